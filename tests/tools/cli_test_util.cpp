// Helpers for the faiss-cli tests.
#include "cli_test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#ifndef FAISS_TOOLS_DIR
#error "FAISS_TOOLS_DIR (folder of the built tools) must be defined by the build"
#endif

namespace faiss_cli_test {

namespace {

std::vector<std::string>& created_dirs() {
    static std::vector<std::string> dirs;
    return dirs;
}

// The folders hold only files (some tens of MB): removed when the test program exits.
void remove_created_dirs() {
    for (const auto& dir : created_dirs()) {
        for (const auto& name : list_dir(dir))
            unlink((dir + "/" + name).c_str());
        rmdir(dir.c_str());
    }
}

}  // namespace

std::string make_temp_dir() {
    std::string tmpl = ::testing::TempDir() + "faiss_cli_XXXXXX";
    if (!mkdtemp(&tmpl[0])) {
        ADD_FAILURE() << "mkdtemp failed";
        return tmpl;
    }
    if (created_dirs().empty()) std::atexit(remove_created_dirs);
    created_dirs().push_back(tmpl);
    return tmpl;
}

CliRun run_cli(const std::string& args) {
    char err_path[] = "/tmp/faiss_cli_stderr_XXXXXX";
    const int fd = mkstemp(err_path);
    if (fd >= 0) close(fd);
    const std::string cmd = std::string(FAISS_TOOLS_DIR) + "/faiss-cli " + args + " 2>" + err_path;
    CliRun r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof(buf), pipe)) > 0)
        r.out.append(buf, got);
    const int raw = pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.err = read_bytes(err_path);
    std::remove(err_path);
    return r;
}

CliRun run_cli_measured(const std::string& args, long& max_rss_kb) {
    std::vector<std::string> words{std::string(FAISS_TOOLS_DIR) + "/faiss-cli"};
    std::istringstream split(args);
    for (std::string w; split >> w;)
        words.push_back(w);
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(&w[0]);
    argv.push_back(nullptr);
    char out_path[] = "/tmp/faiss_cli_stdout_XXXXXX", err_path[] = "/tmp/faiss_cli_stderr_XXXXXX";
    const int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    CliRun r;
    max_rss_kb = -1;
    const pid_t pid = out_fd >= 0 && err_fd >= 0 ? fork() : -1;
    if (pid == 0) {  // only async-signal-safe calls between fork and exec
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int raw = 0;
    struct rusage usage;
    if (pid > 0 && wait4(pid, &raw, 0, &usage) == pid) {
        r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        max_rss_kb = usage.ru_maxrss;
    }
    close(out_fd);
    close(err_fd);
    r.out = read_bytes(out_path);
    r.err = read_bytes(err_path);
    std::remove(out_path);
    std::remove(err_path);
    return r;
}

std::vector<std::string> list_dir(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.push_back(e->d_name);
    }
    closedir(d);
    return names;
}

double value_after(const std::string& text, const std::string& key) {
    const size_t pos = text.find(key);
    if (pos == std::string::npos) return std::nan("");
    return std::strtod(text.c_str() + pos + key.size(), nullptr);
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_npy(const std::string& path, const std::string& descr, const void* data, size_t n,
               size_t d, size_t item_size) {
    std::string shape = d ? "(" + std::to_string(n) + ", " + std::to_string(d) + ")"
                          : "(" + std::to_string(n) + ",)";
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + dict.size() + 1) % 64)
        dict += ' ';
    dict += '\n';
    std::string s = std::string("\x93NUMPY\x01\x00", 8);
    s += char(dict.size() & 0xff);
    s += char(dict.size() >> 8);
    s += dict;
    s.append(static_cast<const char*>(data), n * (d ? d : 1) * item_size);
    write_bytes(path, s);
}

void write_safetensors(const std::string& path, const std::vector<Tensor>& tensors) {
    std::ostringstream h;
    h << "{\"__metadata__\": {\"format\": \"pt\"}";
    size_t offset = 0;
    std::string data;
    for (const auto& t : tensors) {
        h << ", \"" << t.name << "\": {\"dtype\": \"" << t.dtype << "\", \"shape\": [";
        for (size_t i = 0; i < t.shape.size(); i++)
            h << (i ? ", " : "") << t.shape[i];
        h << "], \"data_offsets\": [" << offset << ", " << offset + t.bytes.size() << "]}";
        offset += t.bytes.size();
        data += t.bytes;
    }
    h << "}";
    std::string header = h.str();
    while (header.size() % 8)
        header += ' ';
    std::string s(8, '\0');
    uint64_t len = header.size();
    for (int i = 0; i < 8; i++)
        s[i] = char((len >> (8 * i)) & 0xff);
    write_bytes(path, s + header + data);
}

std::vector<uint16_t> to_fp16(const std::vector<float>& x) {
    std::vector<uint16_t> out(x.size());
    for (size_t i = 0; i < x.size(); i++)
        out[i] = faiss::encode_fp16(x[i]);
    return out;
}
std::vector<uint16_t> to_bf16(const std::vector<float>& x) {
    std::vector<uint16_t> out(x.size());
    for (size_t i = 0; i < x.size(); i++)
        out[i] = faiss::encode_bf16(x[i]);
    return out;
}
std::vector<float> from_fp16(const std::vector<uint16_t>& x) {
    std::vector<float> out(x.size());
    for (size_t i = 0; i < x.size(); i++)
        out[i] = faiss::decode_fp16(x[i]);
    return out;
}
std::vector<float> from_bf16(const std::vector<uint16_t>& x) {
    std::vector<float> out(x.size());
    for (size_t i = 0; i < x.size(); i++)
        out[i] = faiss::decode_bf16(x[i]);
    return out;
}

std::vector<int64_t> read_npy_i64(const std::string& path, size_t& n, size_t& k) {
    const std::string s = read_bytes(path);
    n = k = 0;
    if (s.size() < 10 || s.compare(0, 6, "\x93NUMPY") != 0) return {};
    const size_t hlen = uint8_t(s[8]) | size_t(uint8_t(s[9])) << 8;
    const std::string dict = s.substr(10, hlen);
    EXPECT_NE(dict.find("'<i8'"), std::string::npos) << dict;
    const size_t p = dict.find("'shape': (");
    if (p == std::string::npos) return {};
    std::sscanf(dict.c_str() + p + 10, "%zu, %zu", &n, &k);
    std::vector<int64_t> out(n * k);
    if (s.size() != 10 + hlen + out.size() * 8) {
        ADD_FAILURE() << path << ": size " << s.size();
        return {};
    }
    std::memcpy(out.data(), s.data() + 10 + hlen, out.size() * 8);
    return out;
}

std::vector<int32_t> read_ivecs(const std::string& path, size_t& n, size_t& k) {
    const std::string s = read_bytes(path);
    n = k = 0;
    if (s.size() < 4) return {};
    int32_t dim;
    std::memcpy(&dim, s.data(), 4);
    k = size_t(dim);
    n = s.size() / (4 * (k + 1));
    std::vector<int32_t> out(n * k);
    for (size_t i = 0; i < n; i++)
        std::memcpy(&out[i * k], s.data() + i * 4 * (k + 1) + 4, 4 * k);
    return out;
}

double one_recall(const std::vector<int64_t>& gt, size_t gt_k, const std::vector<int64_t>& I,
                  size_t nq, size_t k, size_t r) {
    size_t hits = 0;
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j < r && j < k; j++)
            if (I[i * k + j] == gt[i * gt_k]) {
                hits++;
                break;
            }
    return double(hits) / double(nq);
}

}  // namespace faiss_cli_test
