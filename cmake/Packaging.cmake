# The Debian package: after `cmake --build build`, `cd build && cpack -G DEB` writes
# dftriage_<version>_<arch>.deb from the install rules in CMakeLists.txt, installing
# under /usr. Its Depends: line is computed by dpkg-shlibdeps (dpkg-dev) from the shared
# libraries the binary actually links.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dftriage)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "dftriage maintainers")
set(CPACK_PACKAGE_CONTACT "dftriage maintainers <maintainers@users.noreply.r-seed-8e84bc44.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# One string (several would make a list, joined with ';'); dpkg wants the lines of the
# long description indented, which CPack does.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "dftriage reads Microsoft Defender for Cloud alerts on Key Vault, DNS and Azure Resource\n"
       "Manager in whichever shape they were exported, recognises each, and walks the responder\n"
       "through its playbook: contact, mitigate, assess, act. It calls the Azure REST API for the\n"
       "remediation, journals every change in a case folder, reports on it and can undo it. A\n"
       "simulated tenant on 127.0.0.1 (the lab) lets you rehearse without touching Azure.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON) # the debug information stays in the build tree
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # dftriage_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "azure-cli, jq, bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

include(CPack)
