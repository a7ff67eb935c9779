# cellAddPolicy.cmake - cell_add_policy(): a sandbox policy compiled, linted
# and tested as part of a build. Included by cellConfig.cmake once the
# imported executable cell::cell exists. docs/build-integration.md is the
# reference.
#
#   cell_add_policy(NAME POLICY FILE
#                   [PARAMS PARAM=VALUE...]     # cell -D: params filled at build time
#                   [INCLUDE_DIRS DIR...]       # cell -I, after FILE's own directory
#                   [DESTINATION DIR]           # install the bundle's files there
#                   [LINT_FAIL_ON error|warning|never])  # cell check --fail-on
#
# NAME is the policy to build, defined in FILE or in a file it includes
# (cell -p NAME). Relative FILE and DIRs are taken from the current source
# directory. The custom target cell_policy_NAME, part of ALL, runs in order
#
#   cell check FILE ...; cell compile FILE ... -o DIR
#
# (check compiles in memory, lints and runs the test blocks in one resolve;
# compile then writes the bundle and the depfile).
# and writes ${CMAKE_CURRENT_BINARY_DIR}/cell-bundles/NAME.{manifest,bpf,args,
# limits,landlock}, the bundle `cellrun` runs (docs/bundle.md). Any failure
# fails the build; the bundle is deleted first and written last, so a failed
# step never leaves one behind (an older bundle included). The target's
# properties CELL_BUNDLE (the path prefix cellrun takes) and
# CELL_BUNDLE_FILES (the files) say where it is.
#
# Lint findings fail the build from the LINT_FAIL_ON level up, by default
# cell check's own (warning); a finding judged harmless is better suppressed
# in the policy, with its reason, than by lowering the level.
#
# The command reruns when FILE, any file it includes (through the depfile
# `cell compile --depfile` writes) or cell itself changes. Generators that
# cannot read a depfile get, instead, the policy files next to FILE and in
# the INCLUDE_DIRS, found at configure time.

# Policies in force where a function is defined are the ones it runs with:
# depfile paths are then read the same way by every generator.
cmake_policy(PUSH)
cmake_policy(VERSION 3.18...3.28)
if(POLICY CMP0116)
  cmake_policy(SET CMP0116 NEW)
endif()

# Whether this generator reads a DEPFILE. CELL_POLICY_USE_DEPFILE, when
# set, decides instead (OFF forces the configure-time glob; the tests use it).
function(_cell_policy_depfile_supported out)
  set(ok FALSE)
  if(DEFINED CELL_POLICY_USE_DEPFILE)
    set(ok ${CELL_POLICY_USE_DEPFILE})
  elseif(CMAKE_GENERATOR MATCHES "Ninja")
    set(ok TRUE)
  elseif(CMAKE_GENERATOR MATCHES "Makefiles" AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.20)
    set(ok TRUE)
  elseif(CMAKE_GENERATOR MATCHES "Visual Studio|Xcode" AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.21)
    set(ok TRUE)
  endif()
  set(${out} ${ok} PARENT_SCOPE)
endfunction()

function(cell_add_policy name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "POLICY;DESTINATION;LINT_FAIL_ON"
    "PARAMS;INCLUDE_DIRS")
  set(where "cell_add_policy(${name})")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unexpected argument '${arg_UNPARSED_ARGUMENTS}'; "
      "the arguments are POLICY FILE, PARAMS NAME=VALUE..., INCLUDE_DIRS DIR..., "
      "DESTINATION DIR, LINT_FAIL_ON LEVEL")
  endif()
  foreach(keyword IN LISTS arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${where}: ${keyword} needs a value")
  endforeach()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "${where}: '${name}' is not a policy name (letters, digits, '_', '.', '-')")
  endif()
  if(NOT arg_POLICY)
    message(FATAL_ERROR "${where}: POLICY FILE is required")
  endif()
  set(lint_options)
  if(DEFINED arg_LINT_FAIL_ON)
    if(NOT arg_LINT_FAIL_ON MATCHES "^(error|warning|never)$")
      message(FATAL_ERROR "${where}: LINT_FAIL_ON is error, warning or never, not '${arg_LINT_FAIL_ON}'")
    endif()
    set(lint_options --fail-on ${arg_LINT_FAIL_ON})
  endif()
  set(target cell_policy_${name})
  if(TARGET ${target})
    message(FATAL_ERROR "${where}: policy '${name}' was already added (target ${target})")
  endif()
  get_filename_component(policy "${arg_POLICY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${policy}" OR IS_DIRECTORY "${policy}")
    message(FATAL_ERROR "${where}: no policy file '${policy}'")
  endif()

  set(options -p ${name})
  foreach(param IN LISTS arg_PARAMS)
    if(NOT param MATCHES "^[A-Za-z_][A-Za-z0-9_.-]*=")
      message(FATAL_ERROR "${where}: PARAMS takes NAME=VALUE, not '${param}'")
    endif()
    list(APPEND options -D ${param})
  endforeach()
  set(include_dirs)
  foreach(dir IN LISTS arg_INCLUDE_DIRS)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND include_dirs "${dir}")
    list(APPEND options -I "${dir}")
  endforeach()

  set(bundle_dir "${CMAKE_CURRENT_BINARY_DIR}/cell-bundles")
  # The files of a bundle (docs/bundle.md), the manifest first: it names the
  # others, and ninja matches it with the depfile's first target.
  set(outputs)
  foreach(piece IN ITEMS manifest bpf args limits landlock)
    list(APPEND outputs "${bundle_dir}/${name}.${piece}")
  endforeach()
  set(depfile "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.d")

  _cell_policy_depfile_supported(use_depfile)
  set(dependencies "${policy}" "$<TARGET_FILE:cell::cell>")
  set(depfile_options)
  set(compile_depfile)
  if(use_depfile)
    set(depfile_options DEPFILE "${depfile}")
    set(compile_depfile --depfile "${depfile}")
  else()
    get_filename_component(policy_dir "${policy}" DIRECTORY)
    foreach(dir IN LISTS policy_dir include_dirs)
      file(GLOB found CONFIGURE_DEPENDS "${dir}/*.cell" "${dir}/*.yaml" "${dir}/*.yml")
      list(APPEND dependencies ${found})
    endforeach()
  endif()

  add_custom_command(OUTPUT ${outputs}
    COMMAND "${CMAKE_COMMAND}" -E rm -f ${outputs}
    COMMAND cell::cell check ${lint_options} "${policy}" ${options}
    COMMAND cell::cell compile "${policy}" ${options} -q -o "${bundle_dir}" ${compile_depfile}
    DEPENDS ${dependencies}
    ${depfile_options}
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "cell: lint, test and compile policy ${name}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${outputs})
  set_target_properties(${target} PROPERTIES
    CELL_BUNDLE "${bundle_dir}/${name}"
    CELL_BUNDLE_FILES "${outputs}")
  if(arg_DESTINATION)
    install(FILES ${outputs} DESTINATION "${arg_DESTINATION}")
  endif()
endfunction()

cmake_policy(POP)
