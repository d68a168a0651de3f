// The data loader's non-template part: worker thread set-up, and turning a worker's exception
// into ember::Error.
#include "ember/data/dataloader.h"

#include <string>

#include "kernels/cpu/parallel.h"

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

// A worker is already one of several threads: its kernels run serially for its whole life.
void init_worker_thread() { static thread_local kernels::SerialGuard serial; }

}  // namespace ember::data::detail
