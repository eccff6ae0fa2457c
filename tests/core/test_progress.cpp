// Progress callback (faiss/utils/progress.h): every long operation reports done = 0, then
// non-decreasing steps, and done = total at the end, on the calling thread, nested with
// depths; nothing when no callback is installed; an exception thrown by the callback
// interrupts the operation and leaves the library usable.
#include <faiss/Clustering.h>
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/VectorTransform.h>
#include <faiss/utils/progress.h>

#include <gtest/gtest.h>
#include <omp.h>

#include "common/test_utils.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using faiss::idx_t;
using faiss::ProgressEvent;

namespace {

struct Recorded {
    std::string operation;
    size_t done, total;
    int depth;
    std::thread::id thread;
};

/// Installs a callback recording every event; removes it on destruction.
class Recorder {
  public:
    Recorder() {
        faiss::set_progress_callback([this](const ProgressEvent& e) {
            std::lock_guard<std::mutex> lock(mutex);
            events.push_back({e.operation, e.done, e.total, e.depth, std::this_thread::get_id()});
        });
    }
    ~Recorder() { faiss::set_progress_callback(nullptr); }

    std::vector<Recorded> of(const std::string& op) const {
        std::vector<Recorded> out;
        for (const Recorded& r : events)
            if (r.operation == op) out.push_back(r);
        return out;
    }

    std::mutex mutex;
    std::vector<Recorded> events;
};

/// The events of one run of an operation: start at 0, never backwards, end at total.
void expect_complete_run(const std::vector<Recorded>& ev, size_t total, int depth) {
    ASSERT_GE(ev.size(), 2u);
    EXPECT_EQ(ev.front().done, 0u);
    EXPECT_EQ(ev.back().done, total);
    for (size_t i = 0; i < ev.size(); i++) {
        EXPECT_EQ(ev[i].total, total);
        EXPECT_EQ(ev[i].depth, depth);
        EXPECT_EQ(ev[i].thread, std::this_thread::get_id()) << "reported off the caller";
        if (i > 0) {
            EXPECT_GT(ev[i].done, ev[i - 1].done) << "event " << i;
        }
    }
}

class ProgressTest : public ::testing::Test {
  protected:
    void TearDown() override { faiss::set_progress_callback(nullptr); }
};

}  // namespace

TEST_F(ProgressTest, NoCallbackMeansInactiveScopes) {
    EXPECT_FALSE(faiss::has_progress_callback());
    faiss::ProgressScope scope("test", 10);
    EXPECT_FALSE(scope.active());
    scope.update(5);
    scope.advance(3);
}

TEST_F(ProgressTest, ClusteringReportsEveryIterationOfEveryRun) {
    const size_t n = 2000, d = 8, k = 16;
    const auto x = faiss::test::random_vectors(n, d, 1);
    faiss::ClusteringParameters cp;
    cp.niter = 7;
    cp.nredo = 2;
    Recorder rec;
    EXPECT_TRUE(faiss::has_progress_callback());
    faiss::Clustering clus(int(d), int(k), cp);
    faiss::IndexFlatL2 index{idx_t(d)};
    clus.train(idx_t(n), x.data(), index);
    const auto ev = rec.of("Clustering::train");
    expect_complete_run(ev, 14, 0);
    EXPECT_EQ(ev.size(), 15u);  // the start, then one per iteration
}

TEST_F(ProgressTest, SameResultWithAndWithoutCallback) {
    const size_t n = 1500, d = 8, k = 10;
    const auto x = faiss::test::random_vectors(n, d, 2);
    auto run = [&] {
        faiss::Clustering clus{int(d), int(k)};
        faiss::IndexFlatL2 index{idx_t(d)};
        clus.train(idx_t(n), x.data(), index);
        return clus.centroids;
    };
    const std::vector<float> plain = run();
    Recorder rec;
    EXPECT_EQ(run(), plain);
    EXPECT_FALSE(rec.events.empty());
}

TEST_F(ProgressTest, IVFPQTrainNestsCoarseAndProductQuantizer) {
    const size_t n = 3000, d = 16, nlist = 8, M = 4;
    const auto x = faiss::test::random_vectors(n, d, 3);
    faiss::IndexFlatL2 coarse{idx_t(d)};
    faiss::IndexIVFPQ index(&coarse, d, nlist, M, 6);
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);  // the sub-quantizers' k-means then run on this thread
    Recorder rec;
    index.train(idx_t(n), x.data());
    omp_set_num_threads(threads);

    expect_complete_run(rec.of("IndexIVF::train"), 2, 0);
    EXPECT_EQ(rec.events.front().operation, "IndexIVF::train");
    expect_complete_run(rec.of("ProductQuantizer::train"), M, 1);
    const auto km = rec.of("Clustering::train");
    ASSERT_FALSE(km.empty());
    EXPECT_EQ(km.front().depth, 1);  // coarse k-means, inside IndexIVF::train
    size_t depth2_starts = 0;
    for (const Recorded& r : km)
        depth2_starts += r.depth == 2 && r.done == 0;
    EXPECT_EQ(depth2_starts, M);  // one k-means per sub-quantizer, inside the PQ
}

TEST_F(ProgressTest, ProductQuantizerOnManyThreadsReportsOnTheCaller) {
    const size_t n = 2000, d = 32, M = 8;
    const auto x = faiss::test::random_vectors(n, d, 4);
    faiss::ProductQuantizer pq(d, M, 5);
    Recorder rec;
    pq.train(n, x.data());
    expect_complete_run(rec.of("ProductQuantizer::train"), M, 0);
}

TEST_F(ProgressTest, OPQReportsItsIterations) {
    const size_t n = 1000, d = 16;
    const auto x = faiss::test::random_vectors(n, d, 5);
    faiss::OPQMatrix opq(int(d), 4);
    opq.niter = 3;
    opq.niter_pq = 2;
    opq.niter_pq_0 = 2;
    Recorder rec;
    opq.train(idx_t(n), x.data());
    expect_complete_run(rec.of("OPQMatrix::train"), 3, 0);
}

TEST_F(ProgressTest, IVFAddReportsBlocks) {
    const size_t d = 4, nlist = 4, n = 140000;
    const auto x = faiss::test::random_vectors(n, d, 6);
    faiss::IndexFlatL2 coarse{idx_t(d)};
    faiss::IndexIVFFlat index(&coarse, d, nlist);
    index.train(2000, x.data());
    Recorder rec;
    index.add(idx_t(n), x.data());
    const auto ev = rec.of("IndexIVF::add");
    expect_complete_run(ev, n, 0);
    ASSERT_EQ(ev.size(), 4u);  // start, then blocks of 65536
    EXPECT_EQ(ev[1].done, 65536u);
    EXPECT_EQ(ev[2].done, 131072u);
    // Blocked adding keeps the ids of one call.
    std::vector<float> dis(1);
    std::vector<idx_t> lab(1);
    index.nprobe = nlist;
    index.search(1, x.data() + 100000 * d, 1, dis.data(), lab.data());
    EXPECT_EQ(lab[0], 100000);
}

TEST_F(ProgressTest, HNSWAddReportsNodesBoundedTimes) {
    const size_t d = 8, n = 3000;
    const auto x = faiss::test::random_vectors(n, d, 7);
    faiss::IndexHNSWFlat index(int(d), 8);
    index.hnsw.efConstruction = 16;
    Recorder rec;
    index.add(idx_t(n), x.data());
    const auto ev = rec.of("HNSW::add_nodes");
    expect_complete_run(ev, n - 1, 0);  // the first node is the entry point
    EXPECT_LE(ev.size(), 1002u);
}

TEST_F(ProgressTest, ScopeThrottlesToAboutAThousandReports) {
    Recorder rec;
    const size_t total = 1000000;
    {
        faiss::ProgressScope scope("test", total);
        ASSERT_TRUE(scope.active());
        for (size_t i = 1; i <= total; i++)
            scope.update(i);
        scope.update(total);  // repeated: not reported again
        scope.update(5);      // backwards: ignored
    }
    const auto ev = rec.of("test");
    expect_complete_run(ev, total, 0);
    EXPECT_EQ(ev.size(), 1001u);
}

TEST_F(ProgressTest, ThrowingCallbackInterruptsAndLibraryStaysUsable) {
    const size_t n = 2000, d = 8, nlist = 16;
    const auto x = faiss::test::random_vectors(n, d, 8);
    faiss::IndexFlatL2 coarse{idx_t(d)};
    faiss::IndexIVFFlat index(&coarse, d, nlist);
    faiss::set_progress_callback([](const ProgressEvent& e) {
        if (e.done >= 3) throw faiss::FaissException("interrupted by the test");
    });
    try {
        index.train(idx_t(n), x.data());
        FAIL() << "train should have been interrupted";
    } catch (const faiss::FaissException& e) {
        EXPECT_NE(std::string(e.what()).find("interrupted by the test"), std::string::npos);
    }
    EXPECT_FALSE(index.is_trained);
    faiss::set_progress_callback(nullptr);
    index.train(idx_t(n), x.data());
    EXPECT_TRUE(index.is_trained);
}

TEST_F(ProgressTest, ThrowingCallbackInsideParallelAddPropagates) {
    const size_t d = 8, n = 3000;
    const auto x = faiss::test::random_vectors(n, d, 9);
    faiss::IndexHNSWFlat index(int(d), 8);
    faiss::set_progress_callback([](const ProgressEvent& e) {
        if (e.done > 0) throw faiss::FaissException("stop adding");
    });
    EXPECT_THROW(index.add(idx_t(n), x.data()), faiss::FaissException);
}

TEST_F(ProgressTest, CallbackMayTrainAndReplaceItselfWithoutDeadlock) {
    const size_t n = 500, d = 4, k = 4;
    const auto x = faiss::test::random_vectors(n, d, 10);
    int calls = 0, nested_events = 0;
    faiss::set_progress_callback([&](const ProgressEvent& e) {
        calls++;
        if (e.depth > 0) nested_events++;
        if (calls == 1) {
            // Reports made inside the callback are dropped, not delivered recursively.
            faiss::Clustering inner{int(d), int(k)};
            faiss::IndexFlatL2 index{idx_t(d)};
            inner.train(idx_t(n), x.data(), index);
        }
        if (e.done == e.total) faiss::set_progress_callback(nullptr);
    });
    faiss::Clustering clus{int(d), int(k)};
    clus.niter = 5;
    faiss::IndexFlatL2 index{idx_t(d)};
    clus.train(idx_t(n), x.data(), index);
    EXPECT_EQ(calls, 6);
    EXPECT_EQ(nested_events, 0);
    EXPECT_FALSE(faiss::has_progress_callback());
}

TEST_F(ProgressTest, ConcurrentCallersAreSerialised) {
    const size_t n = 2000, d = 8, k = 8;
    const auto x = faiss::test::random_vectors(n, d, 11);
    std::atomic<int> inside{0}, overlaps{0}, calls{0};
    faiss::set_progress_callback([&](const ProgressEvent&) {
        if (inside.fetch_add(1) != 0) overlaps++;
        calls++;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        inside--;
    });
    auto work = [&] {
        faiss::Clustering clus{int(d), int(k)};
        faiss::IndexFlatL2 index{idx_t(d)};
        clus.train(idx_t(n), x.data(), index);
    };
    std::thread a(work), b(work);
    a.join();
    b.join();
    EXPECT_EQ(overlaps.load(), 0);
    EXPECT_EQ(calls.load(), 2 * 26);
}

namespace {

/// Interrupts at its `after`-th question.
struct CountingInterrupt : faiss::InterruptCallback {
    explicit CountingInterrupt(int after) : after(after) {}
    bool want_interrupt() override { return ++asked >= after; }
    int after, asked = 0;
};

}  // namespace

TEST_F(ProgressTest, InterruptCallbackStopsTrainingWithoutProgressCallback) {
    const size_t n = 2000, d = 8, nlist = 16;
    const auto x = faiss::test::random_vectors(n, d, 12);
    faiss::IndexFlatL2 coarse{idx_t(d)};
    faiss::IndexIVFFlat index(&coarse, d, nlist);
    EXPECT_FALSE(faiss::InterruptCallback::is_interrupted());
    EXPECT_EQ(faiss::InterruptCallback::get_period_hint(1000), size_t(1) << 30);
    auto* cb = new CountingInterrupt(4);
    faiss::InterruptCallback::instance.reset(cb);
    EXPECT_EQ(faiss::InterruptCallback::get_period_hint(1000), 99900u);
    faiss::test::expect_code(
        faiss::ErrorCode::internal, [&] { index.train(idx_t(n), x.data()); },
        "computation interrupted");
    EXPECT_EQ(cb->asked, 4);  // IVF start, k-means start, two k-means iterations
    EXPECT_FALSE(index.is_trained);
    faiss::InterruptCallback::clear_instance();
    EXPECT_FALSE(faiss::InterruptCallback::is_interrupted());
    index.train(idx_t(n), x.data());
    EXPECT_TRUE(index.is_trained);
}

TEST_F(ProgressTest, InterruptCallbackStopsParallelHNSWAdd) {
    const size_t d = 8, n = 3000;
    const auto x = faiss::test::random_vectors(n, d, 13);
    faiss::IndexHNSWFlat index(int(d), 8);
    faiss::InterruptCallback::instance.reset(new CountingInterrupt(3));
    EXPECT_THROW(index.add(idx_t(n), x.data()), faiss::FaissException);
    faiss::InterruptCallback::clear_instance();
}
