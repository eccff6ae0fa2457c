#pragma once
// faiss-cli serve: the retrieval service (see tools/README.md).

namespace faiss_cli {

int cmd_serve(int argc, char** argv);

}  // namespace faiss_cli
