// The temporary memory pool's bookkeeping (stack order, out-of-order frees, overflow),
// checked on host memory so it runs without a device.

#include <faiss/gpu/impl/TempMemoryPool.h>

#include <gtest/gtest.h>

#include <vector>

namespace {

using faiss::gpu::detail::TempMemoryPool;

TEST(GpuTempMemoryPool, StackOrderAndReuse) {
    std::vector<char> mem(4096);
    TempMemoryPool pool(mem.data(), mem.size());
    EXPECT_EQ(pool.capacity(), 4096u);
    void* a = pool.allocate(100);   // rounded to 256
    void* b = pool.allocate(1000);  // 1024
    ASSERT_EQ(a, mem.data());
    ASSERT_EQ(b, mem.data() + 256);
    EXPECT_EQ(pool.available(), 4096u - 256 - 1024);
    EXPECT_EQ(pool.allocate(3000), nullptr);  // does not fit: the caller overflows
    EXPECT_TRUE(pool.release(b));
    EXPECT_EQ(pool.available(), 4096u - 256);
    void* c = pool.allocate(256);
    EXPECT_EQ(c, b);
    EXPECT_TRUE(pool.release(c));
    EXPECT_TRUE(pool.release(a));
    EXPECT_EQ(pool.available(), 4096u);
    EXPECT_EQ(pool.live_blocks(), 0u);
}

TEST(GpuTempMemoryPool, OutOfOrderFreesAreReclaimedLater) {
    std::vector<char> mem(2048);
    TempMemoryPool pool(mem.data(), mem.size());
    void* a = pool.allocate(256);
    void* b = pool.allocate(256);
    void* c = pool.allocate(256);
    EXPECT_TRUE(pool.release(a));  // below the top: only marked
    EXPECT_EQ(pool.available(), 2048u - 768);
    EXPECT_EQ(pool.live_blocks(), 2u);
    EXPECT_TRUE(pool.release(c));  // top: popped, b stays
    EXPECT_EQ(pool.available(), 2048u - 512);
    EXPECT_TRUE(pool.release(b));  // now everything unwinds
    EXPECT_EQ(pool.available(), 2048u);
    EXPECT_EQ(pool.live_blocks(), 0u);
}

TEST(GpuTempMemoryPool, ForeignPointersAndEmptyPool) {
    std::vector<char> mem(1024), other(16);
    TempMemoryPool pool(mem.data(), mem.size());
    EXPECT_FALSE(pool.release(other.data()));
    EXPECT_FALSE(pool.release(nullptr));
    TempMemoryPool none(nullptr, 1024);
    EXPECT_EQ(none.capacity(), 0u);
    EXPECT_EQ(none.allocate(1), nullptr);
    EXPECT_FALSE(none.release(mem.data()));
}

}  // namespace
