// Loading, recovery, the write path and checkpoints of one served index.
#include "served_index.h"

#include "paced_io.h"

#include <faiss/FaissException.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/index_io.h>

#include <dirent.h>
#include <omp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace faiss_serve {

namespace {

std::shared_ptr<Snapshot> initial_snapshot(faiss::Index* index, uint64_t seq) {
    return base_snapshot(std::shared_ptr<const faiss::Index>(index), seq);
}

/// The index ready for add_with_ids / remove_ids; takes ownership of index.
faiss::Index* prepare_writable(faiss::Index* index, const std::string& path) {
    std::unique_ptr<faiss::Index> owned(index);
    if (!index->is_trained)
        throw std::runtime_error(path +
                                 ": the index is not trained; train it before serving writes");
    if (index->metric_type != faiss::METRIC_L2 &&
        index->metric_type != faiss::METRIC_INNER_PRODUCT) {
        throw std::runtime_error(path + ": writes need an L2 or inner-product index");
    }
    if (dynamic_cast<faiss::IndexIDMap*>(index) || dynamic_cast<faiss::IndexIVF*>(index)) {
        return owned.release();
    }
    // Other indexes number their vectors 0..ntotal-1; keep those numbers as ids.
    auto map = std::make_unique<faiss::IndexIDMap>();
    map->index = owned.release();
    map->own_fields = true;
    map->d = index->d;
    map->metric_type = index->metric_type;
    map->metric_arg = index->metric_arg;
    map->is_trained = true;
    map->ntotal = index->ntotal;
    map->id_map.resize(size_t(index->ntotal));
    for (size_t i = 0; i < map->id_map.size(); i++)
        map->id_map[i] = faiss::idx_t(i);
    return map.release();
}

/// Nice value of checkpoint work: a CPU share of about a tenth of a search thread's when
/// they compete (searches preempt it), yet enough that a checkpoint still finishes on a
/// machine saturated by other work (at nice 19, a 1M x 128 checkpoint had not finished
/// after 15 s on a 2-core machine at load 13, and the delta kept growing meanwhile).
constexpr int kCheckpointNice = 10;

/// Share of one core a checkpoint's paced work may take (see Pacer): with searches using
/// two thirds of a 2-core machine, the checkpoint stays well inside the remaining third.
constexpr double kCheckpointCoreShare = 0.15;

/// Runs fn on a thread of its own at kCheckpointNice with one OpenMP thread, and waits
/// for it; rethrows what fn throws. Checkpoint work (copying the index, writing its
/// file, freeing the old one) is bulk work that searches should preempt. fn must not
/// take the locks writers wait for: a starved low-priority thread holding one would
/// stall them (priority inversion).
template <typename F>
void run_low_priority(F&& fn) {
    std::exception_ptr error;
    std::thread worker([&] {
        // Linux: with a thread id, setpriority changes that thread only.
        ::setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), kCheckpointNice);
        omp_set_num_threads(1);
        try {
            fn();
        } catch (...) {
            error = std::current_exception();
        }
    });
    worker.join();
    if (error) std::rethrow_exception(error);
}

/// Drops s, the last snapshot on a base a checkpoint replaced, once neither it nor any
/// other snapshot of that base is held (waiting a few seconds at most). Freeing a whole
/// index takes tens of milliseconds, which would otherwise add to the latency of
/// whichever search released it last.
void release_when_unused(std::shared_ptr<const Snapshot> s) {
    run_low_priority([&s] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while ((s.use_count() > 1 || s->base.use_count() > 1) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        s.reset();
    });
}

/// Removes the temporary files of checkpoints a crash interrupted ("ckpt-*.tmp*"; the
/// checkpoint they were to become is not complete, its writes are still in the log).
void remove_temp_checkpoints(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.rfind("ckpt-", 0) == 0 && name.find(".tmp") != std::string::npos)
            names.push_back(name);
    }
    ::closedir(d);
    for (const auto& name : names)
        ::unlink((dir + "/" + name).c_str());
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void make_dir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        throw std::runtime_error(dir + ": cannot create folder: " + std::strerror(errno));
    }
}

}  // namespace

ServedIndex::ServedIndex(const std::string& name, const std::string& path) : name_(name) {
    std::unique_ptr<faiss::Index> index(
        faiss::read_index(path.c_str(), faiss::IO_FLAG_MMAP | faiss::IO_FLAG_READ_ONLY));
    publish(initial_snapshot(index.release(), 0));
}

ServedIndex::ServedIndex(const std::string& name, const std::string& path, const WriteOptions& opts)
    : name_(name), writable_(true), opts_(opts) {
    make_dir(opts_.data_dir);
    recover(path);
    bg_ = std::thread([this] { background_loop(); });
}

ServedIndex::~ServedIndex() {
    stopping_ = true;
    {
        std::lock_guard<std::mutex> lock(bg_mu_);
        bg_stop_ = true;
    }
    bg_cv_.notify_all();
    if (bg_.joinable()) bg_.join();
}

std::shared_ptr<const Snapshot> ServedIndex::snapshot() const {
    return std::atomic_load(&current_);
}

void ServedIndex::publish(std::shared_ptr<const Snapshot> s) {
    std::atomic_store(&current_, std::move(s));
}

void ServedIndex::recover(const std::string& path) {
    const std::string& dir = opts_.data_dir;
    remove_temp_checkpoints(dir);
    DataFiles files = list_data_files(dir);
    uint64_t ckpt = 0;
    if (files.checkpoints.empty()) {
        faiss::Index* index = prepare_writable(faiss::read_index(path.c_str()), path);
        publish(initial_snapshot(index, 0));
        faiss::write_index(index, checkpoint_path(dir, 0).c_str());
    } else {
        ckpt = files.checkpoints.back().first;
        const std::string& file = files.checkpoints.back().second;
        // Mapped: a snapshot's base is never modified (checkpoints merge into a clone),
        // and checkpoint files are only ever replaced by new names, never rewritten.
        faiss::Index* index = faiss::read_index(file.c_str(), faiss::IO_FLAG_MMAP);
        publish(initial_snapshot(prepare_writable(index, file), ckpt));
    }
    checkpoint_seq_ = ckpt;
    for (const auto& seg : files.segments) {
        size_t torn = 0;
        for (const LogRecord& r : read_log_segment(seg.second, &torn)) {
            if (r.seq <= snapshot()->seq) continue;
            if (r.seq != snapshot()->seq + 1) {
                throw std::runtime_error(seg.second + ": log record " + std::to_string(r.seq) +
                                         " follows " + std::to_string(snapshot()->seq) +
                                         " (records missing)");
            }
            apply(r);
            replayed_++;
        }
        if (torn) {
            std::fprintf(stderr, "faiss-cli serve: %s: ignoring %zu bytes of a torn last record\n",
                         seg.second.c_str(), torn);
        }
    }
    written_seq_ = snapshot()->seq;
    segment_first_seq_ = snapshot()->seq + 1;
    const std::string seg = segment_path(dir, segment_first_seq_);
    // A segment of that name can hold nothing valid (its records would have advanced
    // seq): it was created just before a crash, or holds only a torn record.
    ::unlink(seg.c_str());
    segment_ = std::make_unique<LogSegment>(seg);
}

void ServedIndex::apply(const LogRecord& r) {
    const auto cur = snapshot();
    if (r.op == LogOp::add) {
        if (r.d != uint32_t(cur->base->d)) {
            throw std::runtime_error("log record " + std::to_string(r.seq) +
                                     " has d=" + std::to_string(r.d) +
                                     ", the index d=" + std::to_string(cur->base->d));
        }
        const auto lists = assign_lists(*cur->base, r.ids.size(), r.x.data());
        publish(with_added(*cur, r.ids, r.x, lists, r.seq));
    } else {
        publish(with_removed(*cur, r.ids, r.seq));
    }
}

uint64_t ServedIndex::add(const std::vector<int64_t>& ids, std::vector<float> x) {
    const auto cur = snapshot();
    // Lists from any snapshot's base are valid: checkpoints keep the quantizer. Assigned
    // here, outside the write lock, so that writers only queue for the log.
    auto lists = std::make_shared<const std::vector<int64_t>>(
        assign_lists(*cur->base, ids.size(), x.data()));
    LogRecord r;
    r.op = LogOp::add;
    r.d = uint32_t(cur->base->d);
    r.ids = ids;
    r.x = std::move(x);
    // The record's vectors serve the snapshot too (no second copy); commit sets its seq.
    auto rows = std::make_shared<LogRecord>(std::move(r));
    return commit(*rows, [rows, lists](const Snapshot& s, uint64_t seq) {
        return with_added(s, rows->ids, rows->x, *lists, seq);
    });
}

uint64_t ServedIndex::remove(const std::vector<int64_t>& ids) {
    LogRecord r;
    r.op = LogOp::remove;
    r.ids = ids;
    return commit(r, [ids](const Snapshot& s, uint64_t seq) { return with_removed(s, ids, seq); });
}

uint64_t ServedIndex::commit(LogRecord& r, Apply apply) {
    std::unique_lock<std::mutex> lock(write_mu_);
    if (log_failed_)
        throw std::runtime_error("index '" + name_ +
                                 "': the write log failed; restart the service");
    r.seq = written_seq_ + 1;
    segment_->write(r);
    written_seq_ = r.seq;
    pending_.push_back({r.seq, std::move(apply)});
    // Group commit: one writer at a time fsyncs, outside the lock, for every record
    // written so far; the others wait for it and usually find theirs covered.
    while (snapshot()->seq < r.seq) {
        if (log_failed_)
            throw std::runtime_error("index '" + name_ +
                                     "': the write log failed; restart the service");
        if (syncing_) {
            durable_cv_.wait(lock);
            continue;
        }
        syncing_ = true;
        const uint64_t target = written_seq_;
        LogSegment* seg = segment_.get();
        lock.unlock();
        bool ok = true;
        try {
            seg->sync();
        } catch (const std::exception& e) {
            ok = false;
            std::fprintf(stderr, "faiss-cli serve: index '%s': %s\n", name_.c_str(), e.what());
        }
        lock.lock();
        syncing_ = false;
        finish_sync(ok, target);
    }
    const bool checkpoint_due = needs_checkpoint(*snapshot());
    lock.unlock();
    if (checkpoint_due) bg_cv_.notify_all();
    return r.seq;
}

void ServedIndex::finish_sync(bool ok, uint64_t upto) {
    fsyncs_++;
    if (!ok) {
        log_failed_ = true;
        pending_.clear();
    } else {
        auto s = snapshot();
        while (!pending_.empty() && pending_.front().seq <= upto) {
            s = pending_.front().apply(*s, pending_.front().seq);
            pending_.pop_front();
        }
        publish(s);
    }
    durable_cv_.notify_all();
}

bool ServedIndex::needs_checkpoint(const Snapshot& s) const {
    return s.delta_size >= opts_.merge_threshold || s.tombstones->size() >= opts_.merge_threshold;
}

double ServedIndex::checkpoint_seconds() const {
    const int64_t start = checkpoint_start_ns_;
    return 1e-9 * double(checkpoint_total_ns_ + (start ? now_ns() - start : 0));
}

uint64_t ServedIndex::checkpoint() {
    if (!writable_) throw std::runtime_error("index '" + name_ + "' is read-only");
    std::lock_guard<std::mutex> ckpt_lock(checkpoint_mu_);
    std::shared_ptr<const Snapshot> snap;
    {
        std::unique_lock<std::mutex> lock(write_mu_);
        durable_cv_.wait(lock, [this] { return !syncing_; });
        if (log_failed_) throw std::runtime_error("the write log failed; restart the service");
        if (!pending_.empty()) {
            // Make the written records durable and visible now, so the old segment
            // holds exactly the writes up to the checkpoint.
            bool ok = true;
            try {
                segment_->sync();
            } catch (const std::exception&) {
                ok = false;
            }
            finish_sync(ok, written_seq_);
            if (!ok) throw std::runtime_error("the write log failed; restart the service");
        }
        snap = snapshot();
        if (snap->seq == snap->base_seq) return snap->seq;
        // Later writes go to a new segment, so the old ones hold only seq <= snap->seq.
        if (segment_first_seq_ != snap->seq + 1) {
            segment_ = std::make_unique<LogSegment>(segment_path(opts_.data_dir, snap->seq + 1));
            segment_first_seq_ = snap->seq + 1;
        }
    }
    const uint64_t s0 = snap->seq;
    const int64_t t0 = now_ns();
    checkpoint_start_ns_ = t0;
    struct Done {
        ServedIndex* self;
        int64_t t0;
        ~Done() {
            self->checkpoint_total_ns_ += now_ns() - t0;
            self->checkpoint_start_ns_ = 0;
        }
    } done{this, t0};
    std::shared_ptr<const faiss::Index> merged;
    run_low_priority([&] {
        Pacer pacer(opts_.checkpoint_mb_per_s * 1e6, kCheckpointCoreShare, &stopping_);
        merged.reset(merged_base(*snap, checkpoint_path(opts_.data_dir, snap->base_seq), &pacer));
        PacedFileWriter writer(checkpoint_path(opts_.data_dir, s0), pacer);
        faiss::write_index(merged.get(), &writer);
        writer.commit();
    });
    {
        std::lock_guard<std::mutex> lock(write_mu_);
        publish(rebased(*snapshot(), merged, s0));
    }
    checkpoint_seq_ = s0;
    checkpoints_done_++;
    // Only now is the covered log redundant: a crash before this point recovers from
    // the new checkpoint (records <= s0 are skipped) or from the old one plus the log.
    const DataFiles files = list_data_files(opts_.data_dir);
    for (const auto& c : files.checkpoints) {
        if (c.first < s0) ::unlink(c.second.c_str());
    }
    for (const auto& seg : files.segments) {
        if (seg.first <= s0) ::unlink(seg.second.c_str());
    }
    sync_dir(opts_.data_dir);
    release_when_unused(std::move(snap));
    return s0;
}

void ServedIndex::background_loop() {
    std::unique_lock<std::mutex> lock(bg_mu_);
    auto wait = std::chrono::seconds(1);
    while (!bg_stop_) {
        bg_cv_.wait_for(lock, wait);
        if (bg_stop_ || !needs_checkpoint(*snapshot())) continue;
        lock.unlock();
        try {
            checkpoint();
            wait = std::chrono::seconds(1);
        } catch (const std::exception& e) {
            // The writes stay in the log, so nothing is lost; retry later.
            if (stopping_) break;
            checkpoint_failures_++;
            wait = std::chrono::seconds(30);
            const faiss::FaissException* fe = dynamic_cast<const faiss::FaissException*>(&e);
            std::fprintf(stderr, "faiss-cli serve: index '%s': checkpoint failed: %s\n",
                         name_.c_str(), fe ? fe->message().c_str() : e.what());
        }
        lock.lock();
    }
}

}  // namespace faiss_serve
