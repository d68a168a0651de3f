// The data loader's non-template part: turning a worker's exception into ember::Error.
#include "ember/data/dataloader.h"

#include <string>

namespace ember::data::detail {

void rethrow_worker_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& ex) {
    throw Error(std::string("DataLoader worker: ") + ex.what());
  } catch (...) {
    throw Error("DataLoader worker: unknown exception");
  }
}

}  // namespace ember::data::detail
