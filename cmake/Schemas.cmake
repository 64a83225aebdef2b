# The code generated from scenarios/scenario.proto and reports/results.proto is one small library
# at the bottom of the dependency graph, so the engine can fill results directly and everyone reads
# the same shape (DESIGN.md). Generated headers are included as "scenarios/scenario.pb.h" and
# "reports/results.pb.h".
set(FAULTLINE_PROTO_OUT ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${FAULTLINE_PROTO_OUT})

add_library(faultline_schemas STATIC)
target_sources(faultline_schemas PRIVATE
  ${CMAKE_SOURCE_DIR}/scenarios/scenario.proto
  ${CMAKE_SOURCE_DIR}/reports/results.proto)
protobuf_generate(TARGET faultline_schemas LANGUAGE cpp
  IMPORT_DIRS ${CMAKE_SOURCE_DIR}
  PROTOC_OUT_DIR ${FAULTLINE_PROTO_OUT})
target_include_directories(faultline_schemas SYSTEM PUBLIC ${FAULTLINE_PROTO_OUT})
target_link_libraries(faultline_schemas PUBLIC protobuf::libprotobuf)
