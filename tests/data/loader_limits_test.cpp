// Loader inputs at the edges: CSV values out of the range of their dtype (an error naming line,
// column and column name, never a wrapped or undefined conversion), and gzip'd IDX files with
// bytes after the gzip data (refused as a plain file with trailing bytes is), several gzip
// members (read as one stream, as gzip -d does).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/data_files.h"
#include "ember/data.h"
#include "support/errors.h"

namespace ember::data {
namespace {

using datasets::CSV;
using datasets::CSVOptions;
using datasets::MNIST;
using ::testing::HasSubstr;
using namespace testing;  // NOLINT

std::string write_csv(const std::string& text) {
  const std::string path = fresh_dir() + "/t.csv";
  write_text(path, text);
  return path;
}

std::string csv_error(const std::string& path, const CSVOptions& o) {
  return ember::testing::error_message([&] { CSV csv(path, o); });
}

TEST(CSVRange, IntegerTargetsOutOfTheirDtypeNameLineAndColumn) {
  struct Case {
    ScalarType dtype;
    const char* bad;
    const char* range;
    const char* good;
  };
  for (const Case& c :
       {Case{kByte, "300", "Byte [0, 255]", "255"}, Case{kByte, "-1", "Byte [0, 255]", "0"},
        Case{kInt, "3000000000", "Int [-2147483648, 2147483647]", "-2147483648"},
        Case{kInt, "-2147483649", "Int [-2147483648, 2147483647]", "2147483647"},
        Case{kBool, "2", "Bool [0, 1]", "1"},
        Case{kLong, "9223372036854775808", "Long [-9223372036854775808, 9223372036854775807]",
             "-5"}}) {
    SCOPED_TRACE(c.bad);
    const std::string path =
        write_csv(std::string("x,label\n1,") + c.good + "\n2, " + c.bad + "\n");
    const std::string msg = csv_error(path, CSVOptions().target_dtype(c.dtype));
    if (c.dtype == kLong) {
      // 2^63 is refused before the range check: it is not an integer ember can hold.
      EXPECT_THAT(msg, HasSubstr(path + ":3:4: label '" + c.bad + "' is not an integer"));
      continue;
    }
    EXPECT_EQ(msg, "CSV: " + path + ":3:4: label '" + c.bad + "' is out of the range of " +
                       c.range + " (column 'label')");
    // The bounds themselves load, exactly.
    const std::string ok = write_csv(std::string("x,label\n1,") + c.good + "\n");
    CSV csv(ok, CSVOptions().target_dtype(c.dtype));
    EXPECT_EQ(csv.targets().to(kDouble).item<double>(), std::stod(c.good));
  }
}

TEST(CSVRange, FeaturesOutOfTheirDtypeAndFloatOverflow) {
  const std::string path = write_csv("a,b,label\n1,2,0\n3,256,1\n");
  EXPECT_EQ(csv_error(path, CSVOptions().dtype(kByte)),
            "CSV: " + path + ":3:3: '256' is out of the range of Byte [0, 255] (column 'b')");
  const std::string frac = write_csv("a,b,label\n1,2.5,0\n");
  EXPECT_EQ(csv_error(frac, CSVOptions().dtype(kInt)),
            "CSV: " + frac + ":2:3: '2.5' is not an integer but dtype is Int (column 'b')");
  // A finite number beyond float's range would become infinity: refused for Float, kept for
  // Double; infinities written as such stay allowed.
  const std::string big = write_csv("a,label\n1e300,0.5\n");
  EXPECT_EQ(csv_error(big, CSVOptions()), "CSV: " + big +
                                              ":2:1: '1e300' is out of the range of Float "
                                              "[-3.40282e+38, 3.40282e+38] (column 'a')");
  CSV wide(big, CSVOptions().dtype(kDouble));
  EXPECT_EQ(wide.features().item<double>(), 1e300);
  const std::string big_label = write_csv("a,label\n1,-1e39\n");
  EXPECT_THAT(csv_error(big_label, CSVOptions()), HasSubstr(":2:3: label '-1e39' is out of"));
  CSV inf(write_csv("a,label\ninf,0.5\n"), CSVOptions());
  EXPECT_TRUE(std::isinf(inf.features().item<float>()));
}

// ---- gzip --------------------------------------------------------------------------------------

void write_split(const std::string& dir, const Bytes& train_labels_gz) {
  write_file(dir + "/train-images-idx3-ubyte.gz", gzip(idx_images(3, 4, 5)));
  write_file(dir + "/train-labels-idx1-ubyte.gz", train_labels_gz);
  write_file(dir + "/t10k-images-idx3-ubyte.gz", gzip(idx_images(2, 4, 5, 100)));
  write_file(dir + "/t10k-labels-idx1-ubyte.gz", gzip(idx_labels({3, 1})));
}

TEST(GzipTail, BytesAfterTheGzipDataAreRefusedLikeTrailingBytesOfAPlainFile) {
  const std::string dir = fresh_dir();
  const std::string labels = dir + "/train-labels-idx1-ubyte.gz";
  for (const Bytes& tail : {Bytes{'x'}, Bytes{0, 0, 0, 0}, Bytes{0x1f}, Bytes(5000, 'g')}) {
    SCOPED_TRACE(tail.size());
    Bytes gz = gzip(idx_labels({7, 0, 9}));
    gz.insert(gz.end(), tail.begin(), tail.end());
    write_split(dir, gz);
    EXPECT_EQ(ember::testing::error_message([&] { MNIST m(dir); }),
              "MNIST: " + labels + ": " + std::to_string(tail.size()) +
                  " unexpected bytes after the end of the gzip data (a damaged or concatenated "
                  "file)");
  }
  // Extra data inside the gzip stream is refused as for a plain file.
  Bytes plain = idx_labels({7, 0, 9});
  plain.push_back(1);
  write_split(dir, gzip(plain));
  EXPECT_EQ(ember::testing::error_message([&] { MNIST m(dir); }),
            "MNIST: " + labels + ": 1 unexpected bytes after the data the header declares (3)");
}

TEST(GzipTail, SeveralGzipMembersReadAsOneStream) {
  const std::string dir = fresh_dir();
  const Bytes labels = idx_labels({7, 0, 9});
  Bytes two = gzip(Bytes(labels.begin(), labels.begin() + 6));
  const Bytes rest = gzip(Bytes(labels.begin() + 6, labels.end()));
  two.insert(two.end(), rest.begin(), rest.end());
  write_split(dir, two);
  MNIST m(dir);
  EXPECT_TRUE(m.targets().equal(tensor({7, 0, 9})));
  // A second member that is damaged is corrupt data; one cut short is a truncated file.
  Bytes bad = gzip(Bytes(labels.begin(), labels.begin() + 6));
  for (uint8_t b : {0x1f, 0x8b, 0x07, 0x00}) bad.push_back(b);  // method 7: not deflate
  write_split(dir, bad);
  EXPECT_THAT(ember::testing::error_message([&] { MNIST m2(dir); }),
              HasSubstr("corrupt gzip data (unknown compression method)"));
  bad.resize(bad.size() - 2);
  write_split(dir, bad);
  EXPECT_THAT(ember::testing::error_message([&] { MNIST m3(dir); }),
              HasSubstr("(its gzip stream ends early)"));
}

}  // namespace
}  // namespace ember::data
