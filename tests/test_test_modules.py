"""Which modules are a package's tests (their functions are no library API): the usual folder
and file names, and the `testsuite` package older projects shipped inside the library."""

from racefree.analysis.entry_points import is_non_api_module, is_test_module


def test_test_folders_and_files_are_test_modules():
    for module in ("pkg.tests.test_api", "pkg.test.helpers", "tests.conftest", "pkg.api_test",
                   "werkzeug.testsuite.routing", "werkzeug.testsuite.contrib.wrappers"):
        assert is_test_module(module), module
        assert is_non_api_module(module), module


def test_library_modules_are_not_test_modules():
    for module in ("werkzeug.routing", "pkg.testimony", "pkg.suite.runner", "pkg.attestation"):
        assert not is_test_module(module), module
