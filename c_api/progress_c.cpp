// C bindings of the progress callback (faiss/utils/progress.h). A C callback cannot
// throw, so its non-zero return is turned into the library exception here.
#include "progress_c.h"

#include "internal/boundary.h"

#include <faiss/FaissException.h>
#include <faiss/utils/progress.h>

#include <string>

using faiss_c::Boundary;

extern "C" {

int faiss_set_progress_callback(FaissProgressCallback callback, void* user_data) {
    Boundary b(__func__);
    return b.run([&] {
        if (!callback) {
            faiss::set_progress_callback(nullptr);
            return;
        }
        faiss::set_progress_callback([callback, user_data](const faiss::ProgressEvent& e) {
            const int ret = callback(e.operation, e.done, e.total, e.depth, user_data);
            if (ret != 0) {
                throw faiss::FaissException("interrupted by the progress callback (it returned " +
                                            std::to_string(ret) + ") during " + e.operation);
            }
        });
    });
}

int faiss_has_progress_callback(void) {
    return faiss::has_progress_callback() ? 1 : 0;
}

}  // extern "C"
