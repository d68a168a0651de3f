// datasets::CSV: header, label column by name or index, dtypes, quoting, gzip, and errors with
// file:line:column.
#include <gtest/gtest.h>

#include "data/data_files.h"
#include "ember/autograd.h"
#include "ember/data.h"
#include "support/errors.h"

namespace ember::data {
namespace {

using datasets::CSV;
using datasets::CSVOptions;
using namespace testing;  // NOLINT

std::string write_csv(const std::string& text, const std::string& name = "t.csv") {
  const std::string path = fresh_dir() + "/" + name;
  write_text(path, text);
  return path;
}

std::string error_of(const std::string& path, const CSVOptions& o = CSVOptions()) {
  return ember::testing::error_of([&] { CSV csv(path, o); });
}

TEST(CSV, LabelIsTheLastColumnByDefault) {
  CSV csv(write_csv("a,b,label\n1,2,0\n3.5,-4e1,1\n\n5, 6 ,2\n"));
  EXPECT_EQ(csv.size(), std::optional<size_t>(3));
  EXPECT_EQ(csv.features().scalar_type(), kFloat);
  EXPECT_TRUE(csv.features().equal(tensor({{1.0f, 2.0f}, {3.5f, -40.0f}, {5.0f, 6.0f}})));
  EXPECT_EQ(csv.targets().scalar_type(), kLong);  // every label is an integer
  EXPECT_TRUE(csv.targets().equal(tensor({0, 1, 2})));
  EXPECT_EQ(csv.feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(csv.label_name(), "label");
  Example<> e = csv.get(1);
  EXPECT_EQ(e.target.item<int64_t>(), 1);
}

TEST(CSV, LabelByNameOrIndexAndDtypes) {
  const std::string path = write_csv("y,x1,x2\r\n0.5,1,2\r\n1.5,3,4\r\n");
  CSV by_name(path, CSVOptions().label("y"));
  EXPECT_EQ(by_name.targets().scalar_type(), kFloat);  // 0.5 is not an integer
  EXPECT_TRUE(by_name.targets().equal(tensor({0.5f, 1.5f})));
  EXPECT_TRUE(by_name.features().equal(tensor({{1.0f, 2.0f}, {3.0f, 4.0f}})));
  CSV by_index(path, CSVOptions().label(0).dtype(kDouble).target_dtype(kDouble));
  EXPECT_EQ(by_index.features().scalar_type(), kDouble);
  EXPECT_EQ(by_index.targets().scalar_type(), kDouble);
  CSV middle(path, CSVOptions().label(-2));
  EXPECT_EQ(middle.label_name(), "x1");
  EXPECT_EQ(middle.feature_names(), (std::vector<std::string>{"y", "x2"}));
}

TEST(CSV, NoHeaderQuotesDelimiterAndGzip) {
  CSV plain(write_csv("1;\"2\";3\n4;5;6\n"), CSVOptions().header(false).delimiter(';'));
  EXPECT_EQ(plain.feature_names(), (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(plain.targets().equal(tensor({3, 6})));
  const std::string gz = fresh_dir() + "/t.csv.gz";
  const std::string text = "\"x, the first\",label\n+1,2\n";
  write_file(gz, gzip(Bytes(text.begin(), text.end())));
  CSV zipped(gz);
  EXPECT_EQ(zipped.feature_names(), (std::vector<std::string>{"x, the first"}));
  EXPECT_TRUE(zipped.features().equal(tensor({{1.0f}})));
}

TEST(CSV, MapsAndLoadsLikeAnyDataset) {
  auto ds = CSV(write_csv("a,b\n1,0\n2,1\n3,0\n")).map(transforms::Stack<>());
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(ds), 2);
  std::vector<int64_t> sizes;
  for (auto& batch : *loader) sizes.push_back(batch.data.size(0));
  EXPECT_EQ(sizes, (std::vector<int64_t>{2, 1}));
}

TEST(CSV, BadNumberNamesFileLineColumnAndColumnName) {
  const std::string path = write_csv("age,height,label\n30,180,1\n31, tall,0\n");
  EXPECT_EQ(error_of(path),
            "CSV: " + path + ":3:5: cannot parse 'tall' as a number (column 'height')");
  const std::string path2 = write_csv("a,b\n1,2\n1,2x\n");
  EXPECT_EQ(error_of(path2), "CSV: " + path2 + ":3:3: cannot parse '2x' as a number (column 'b')");
}

TEST(CSV, WrongFieldCountAndEmptyFields) {
  const std::string path = write_csv("a,b,c\n1,2,3\n4,5\n");
  EXPECT_EQ(error_of(path),
            "CSV: " + path + ":3: expected 3 fields (as the header has) but found 2");
  const std::string empty_field = write_csv("a,b,c\n1,,3\n");
  EXPECT_EQ(error_of(empty_field), "CSV: " + empty_field + ":2:3: empty field (column 'b')");
  const std::string no_header = write_csv("1,2\n1,2,3\n");
  EXPECT_EQ(error_of(no_header, CSVOptions().header(false)),
            "CSV: " + no_header + ":2: expected 2 fields (as the first row has) but found 3");
}

TEST(CSV, LabelColumnErrors) {
  const std::string path = write_csv("a,b,c\n1,2,3\n");
  EXPECT_EQ(error_of(path, CSVOptions().label("y")),
            "CSV: " + path + ": label column 'y' not found; the columns are: a, b, c");
  EXPECT_EQ(error_of(path, CSVOptions().label(3)),
            "CSV: " + path + ": label column index 3 is out of range for 3 columns");
  const std::string frac = write_csv("a,b\n1,2\n1,2.5\n");
  EXPECT_EQ(error_of(frac, CSVOptions().target_dtype(kLong)),
            "CSV: " + frac + ":3:3: label '2.5' is not an integer but target_dtype is Long");
}

TEST(CSV, EmptyFilesAndMissingFiles) {
  const std::string empty = write_csv("");
  EXPECT_EQ(error_of(empty), "CSV: " + empty + ": file is empty");
  const std::string header_only = write_csv("a,b\n");
  EXPECT_EQ(error_of(header_only), "CSV: " + header_only + ": no data rows");
  const std::string one_column = write_csv("a\n1\n");
  EXPECT_EQ(error_of(one_column), "CSV: " + one_column +
                                      ": need at least two columns (features and a label), the "
                                      "header has 1");
  const std::string missing = fresh_dir() + "/nope.csv";
  EXPECT_EQ(error_of(missing), "CSV: cannot open " + missing + ": No such file or directory");
}

}  // namespace
}  // namespace ember::data
