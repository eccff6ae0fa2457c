#pragma once

// MaybeOwnedVector<T>: the storage of the large arrays of an index (IndexFlatCodes::codes,
// the HNSW graph arrays). It either owns its elements in a std::vector, or views a range
// of memory owned by someone else, typically the pages of an index file mapped with
// IO_FLAG_MMAP / IO_FLAG_MMAP_IFC (faiss/index_io.h). A view keeps its owner alive
// through a shared pointer, so the mapping lasts as long as any array uses it, and N
// processes mapping one file share one copy of it in the page cache.
//
// It offers the parts of the std::vector API the library uses. Reading (the const
// methods) costs the same in both modes. Anything that could write (the non-const
// data(), operator[], begin() / end(), and every method that changes the size) first
// detaches a view:
//   - a read-only view (loaded with IO_FLAG_READ_ONLY) throws FaissException
//     (unsupported) naming the array and the file, so modifying a read-only mapped index
//     is a clear error, never a write into read-only memory;
//   - a copy-on-write view copies its elements into an owned std::vector once, then
//     behaves as an owning vector; the mapping is released when no array uses it.
// Copying a MaybeOwnedVector copies an owned one and shares a view (the mapped memory
// is never written, so sharing it is safe).
//
// Element alignment: the Faiss file format does not align arrays, so a view's data()
// may be misaligned for T (e.g. IndexFlat floats at a file offset of 1 mod 4). The
// library reads views on x86-64 and AArch64 only, which load misaligned scalars and use
// unaligned vector loads in its kernels.
//
// Thread safety: const methods may run concurrently. Everything else needs exclusive
// access, including the first non-const access to a view (it may copy).

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace faiss {

namespace detail {
/// Throws FaissException (unsupported): `origin` is mapped read-only.
[[noreturn]] void throw_read_only_mapping(const std::string& origin);
}  // namespace detail

template <class T>
class MaybeOwnedVector {
    static_assert(std::is_trivially_copyable_v<T>, "MaybeOwnedVector holds plain data");

  public:
    using value_type = T;
    using size_type = size_t;
    using difference_type = std::ptrdiff_t;
    using reference = T&;
    using const_reference = const T&;
    using pointer = T*;
    using const_pointer = const T*;
    using iterator = T*;
    using const_iterator = const T*;

    MaybeOwnedVector() = default;
    explicit MaybeOwnedVector(size_t n, const T& value = T()) : owned_(n, value) { sync(); }
    MaybeOwnedVector(std::initializer_list<T> init) : owned_(init) { sync(); }
    /// Takes the elements of v (no copy).
    MaybeOwnedVector(std::vector<T>&& v) : owned_(std::move(v)) { sync(); }
    MaybeOwnedVector(const std::vector<T>& v) : owned_(v) { sync(); }
    template <class It, class = decltype(*std::declval<It>())>
    MaybeOwnedVector(It first, It last) : owned_(first, last) {
        sync();
    }

    MaybeOwnedVector(const MaybeOwnedVector& o)
        : owned_(o.owned_), owner_(o.owner_), read_only_(o.read_only_), origin_(o.origin_) {
        if (owner_) {
            ptr_ = o.ptr_;
            size_ = o.size_;
        } else {
            sync();
        }
    }
    MaybeOwnedVector(MaybeOwnedVector&& o) noexcept { swap(o); }
    MaybeOwnedVector& operator=(const MaybeOwnedVector& o) {
        if (this != &o) {
            MaybeOwnedVector tmp(o);
            swap(tmp);
        }
        return *this;
    }
    MaybeOwnedVector& operator=(MaybeOwnedVector&& o) noexcept {
        MaybeOwnedVector tmp(std::move(o));
        swap(tmp);
        return *this;
    }
    /// Replaces the elements (throws for a read-only view).
    MaybeOwnedVector& operator=(std::vector<T> v) {
        if (read_only_) detail::throw_read_only_mapping(origin_);
        release_view();
        owned_ = std::move(v);
        sync();
        return *this;
    }

    /// A view of [data, data + n), kept valid by owner (shared by every copy of the
    /// view). read_only: modification throws; otherwise the first one copies the
    /// elements. origin names the array in error messages ("IndexFlat.codes mapped from
    /// x.index").
    static MaybeOwnedVector create_view(const T* data, size_t n, std::shared_ptr<const void> owner,
                                        bool read_only, std::string origin) {
        MaybeOwnedVector v;
        v.owner_ = owner ? std::move(owner) : std::make_shared<int>(0);
        v.ptr_ = const_cast<T*>(data);
        v.size_ = n;
        v.read_only_ = read_only;
        v.origin_ = std::move(origin);
        return v;
    }

    /// True when the elements live in an owned std::vector (false for a view).
    bool is_owned() const { return !owner_; }
    /// True for a view that throws instead of copying when modified.
    bool is_read_only() const { return owner_ && read_only_; }
    /// What a view shows, for messages ("IndexFlat.codes mapped from x.index").
    const std::string& origin() const { return origin_; }
    /// The owner of a view's memory (null when owned).
    const std::shared_ptr<const void>& owner() const { return owner_; }

    /// Make an owned copy of a view's elements now (even of a read-only view).
    void make_owned() {
        if (!owner_) return;
        owned_ = copy_elements();
        release_view();
        sync();
    }

    // Reading.
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    size_t byte_size() const { return size_ * sizeof(T); }
    const T* data() const { return ptr_; }
    const T& operator[](size_t i) const { return ptr_[i]; }
    const T& at(size_t i) const { return owner_ ? check_at(i) : owned_.at(i); }
    const T& front() const { return ptr_[0]; }
    const T& back() const { return ptr_[size_ - 1]; }
    const_iterator begin() const { return ptr_; }
    const_iterator end() const { return ptr_ + size_; }
    const_iterator cbegin() const { return ptr_; }
    const_iterator cend() const { return ptr_ + size_; }
    size_t capacity() const { return owner_ ? size_ : owned_.capacity(); }

    // Writable access: detaches a view first.
    T* data() { return writable(); }
    T& operator[](size_t i) { return writable()[i]; }
    T& at(size_t i) {
        writable();
        return owned_.at(i);
    }
    T& front() { return writable()[0]; }
    T& back() { return writable()[size_ - 1]; }
    iterator begin() { return writable(); }
    iterator end() { return writable() + size_; }

    // Changing the size: detaches a view first.
    void resize(size_t n) {
        mutate([&] { owned_.resize(n); });
    }
    void resize(size_t n, const T& value) {
        mutate([&] { owned_.resize(n, value); });
    }
    void reserve(size_t n) {
        mutate([&] { owned_.reserve(n); });
    }
    void shrink_to_fit() {
        mutate([&] { owned_.shrink_to_fit(); });
    }
    void assign(size_t n, const T& value) {
        mutate([&] { owned_.assign(n, value); });
    }
    template <class It, class = decltype(*std::declval<It>())>
    void assign(It first, It last) {
        std::vector<T> tmp(first, last);
        *this = std::move(tmp);
    }
    void clear() {
        if (read_only_) detail::throw_read_only_mapping(origin_);
        release_view();
        owned_.clear();
        sync();
    }
    void push_back(const T& value) {
        mutate([&] { owned_.push_back(value); });
    }
    template <class... Args>
    T& emplace_back(Args&&... args) {
        mutate([&] { owned_.emplace_back(std::forward<Args>(args)...); });
        return owned_.back();
    }
    void pop_back() {
        mutate([&] { owned_.pop_back(); });
    }
    /// Insert [first, last) before pos; the source may be this vector's own elements.
    template <class It, class = decltype(*std::declval<It>())>
    iterator insert(const_iterator pos, It first, It last) {
        const size_t at = size_t(pos - ptr_);
        std::vector<T> src(first, last);
        mutate(
            [&] { owned_.insert(owned_.begin() + difference_type(at), src.begin(), src.end()); });
        return ptr_ + at;
    }
    iterator insert(const_iterator pos, size_t n, const T& value) {
        const size_t at = size_t(pos - ptr_);
        const T v = value;
        mutate([&] { owned_.insert(owned_.begin() + difference_type(at), n, v); });
        return ptr_ + at;
    }
    iterator insert(const_iterator pos, const T& value) { return insert(pos, size_t(1), value); }
    iterator erase(const_iterator first, const_iterator last) {
        const size_t a = size_t(first - ptr_), b = size_t(last - ptr_);
        mutate([&] {
            owned_.erase(owned_.begin() + difference_type(a), owned_.begin() + difference_type(b));
        });
        return ptr_ + a;
    }
    iterator erase(const_iterator pos) { return erase(pos, pos + 1); }

    void swap(MaybeOwnedVector& o) noexcept {
        owned_.swap(o.owned_);
        std::swap(ptr_, o.ptr_);
        std::swap(size_, o.size_);
        owner_.swap(o.owner_);
        std::swap(read_only_, o.read_only_);
        origin_.swap(o.origin_);
    }
    /// Exchange with a std::vector: this takes v's elements, v gets a copy of this one's
    /// (so a read-only view can be swapped out of an index without writing to it).
    void swap(std::vector<T>& v) {
        if (read_only_) detail::throw_read_only_mapping(origin_);
        std::vector<T> mine = copy_elements();
        *this = std::move(v);
        v.swap(mine);
    }

    /// A copy of the elements as a std::vector (also implicitly, for code written
    /// against the std::vector fields of earlier versions).
    std::vector<T> to_vector() const { return copy_elements(); }
    operator std::vector<T>() const { return to_vector(); }

    friend bool operator==(const MaybeOwnedVector& a, const MaybeOwnedVector& b) {
        return a.size_ == b.size_ &&
               (a.size_ == 0 || std::memcmp(a.ptr_, b.ptr_, a.size_ * sizeof(T)) == 0);
    }
    friend bool operator!=(const MaybeOwnedVector& a, const MaybeOwnedVector& b) {
        return !(a == b);
    }

  private:
    void sync() {
        ptr_ = owned_.data();
        size_ = owned_.size();
    }
    void release_view() {
        owner_.reset();
        read_only_ = false;
        origin_.clear();
    }
    // Bytewise, as a view may be misaligned for T.
    std::vector<T> copy_elements() const {
        std::vector<T> out(size_);
        if (size_ > 0) std::memcpy(out.data(), ptr_, size_ * sizeof(T));
        return out;
    }
    // Copy a copy-on-write view into owned_ (or throw for a read-only one).
    void detach() {
        if (read_only_) detail::throw_read_only_mapping(origin_);
        owned_ = copy_elements();
        release_view();
        sync();
    }
    T* writable() {
        if (owner_) detach();
        return ptr_;
    }
    template <class F>
    void mutate(F&& f) {
        if (owner_) detach();
        f();
        sync();
    }
    const T& check_at(size_t i) const {
        if (i >= size_) throw std::out_of_range("MaybeOwnedVector::at: index out of range");
        return ptr_[i];
    }

    std::vector<T> owned_;
    T* ptr_ = nullptr;
    size_t size_ = 0;
    std::shared_ptr<const void> owner_;  // non-null for a view
    bool read_only_ = false;
    std::string origin_;
};

}  // namespace faiss
