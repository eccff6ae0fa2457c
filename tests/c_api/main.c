/* Runs the C API test suites: all of them, or those named on the command line. */
#include "c_test.h"
#include "c_test_suites.h" /* generated: the suite_<name> functions, C_TEST_SUITE_ROWS */

#include <string.h>

struct suite {
    const char* name;
    void (*run)(void);
};

static const struct suite suites[] = {C_TEST_SUITE_ROWS};

static const size_t nsuites = sizeof(suites) / sizeof(suites[0]);

int main(int argc, char** argv) {
    size_t s;
    int a;
    if (argc <= 1) {
        for (s = 0; s < nsuites; s++)
            suites[s].run();
    }
    for (a = 1; a < argc; a++) {
        int found = 0;
        for (s = 0; s < nsuites; s++) {
            if (strcmp(argv[a], suites[s].name) == 0) {
                suites[s].run();
                found = 1;
            }
        }
        if (!found) {
            fprintf(stderr, "unknown suite \"%s\"\n", argv[a]);
            return 2;
        }
    }
    printf("%d passed, %d failed\n", c_test_cases_run() - c_test_cases_failed(),
           c_test_cases_failed());
    return c_test_cases_failed() == 0 && c_test_cases_run() > 0 ? 0 : 1;
}
