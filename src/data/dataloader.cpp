// The data loader's non-template part: worker thread set-up, and turning a worker's exception
// into ember::Error.
#include "ember/data/dataloader.h"

#include <omp.h>

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

void init_worker_thread() { omp_set_num_threads(1); }

}  // namespace ember::data::detail
