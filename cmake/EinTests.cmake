# One GoogleTest executable per module: src/ein/<module>/*_test.cpp -> ein_<module>_tests,
# labelled <module> in CTest. End-to-end tests in tests/*_test.cpp -> ein_e2e_tests (label e2e).
# Shared test helpers (reference einsum, random corpus) live in tests/support/ -> ein_testing.
include(GoogleTest)

file(GLOB EIN_TEST_SUPPORT_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/support/*.cpp)
add_library(ein_testing STATIC ${EIN_TEST_SUPPORT_SOURCES} ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
target_include_directories(ein_testing PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(ein_testing PUBLIC ein::ein GTest::gtest Threads::Threads)
ein_set_warnings(ein_testing)

function(ein_add_test_executable name label)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ein_testing ein::blas GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  ein_set_warnings(${name})
  gtest_discover_tests(${name} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()

file(GLOB EIN_MODULE_DIRS LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/src/ein/*)
foreach(dir ${EIN_MODULE_DIRS})
  if(IS_DIRECTORY ${dir})
    file(GLOB module_tests CONFIGURE_DEPENDS ${dir}/*_test.cpp)
    if(module_tests)
      get_filename_component(module ${dir} NAME)
      ein_add_test_executable(ein_${module}_tests ${module} ${module_tests})
    endif()
  endif()
endforeach()

file(GLOB EIN_E2E_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/*_test.cpp)
if(EIN_E2E_TESTS)
  ein_add_test_executable(ein_e2e_tests e2e ${EIN_E2E_TESTS})
endif()
