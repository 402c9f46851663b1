# Finds OpenSlide and defines OpenSlide::OpenSlide. pkg-config is only a hint: a machine without
# it (or with OpenSlide unpacked under a prefix its .pc file does not name, as on a GPU box whose
# dependencies were carried in) still finds the header and library through CMAKE_PREFIX_PATH.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_OPENSLIDE QUIET openslide)
endif()
find_path(OpenSlide_INCLUDE_DIR openslide.h HINTS ${PC_OPENSLIDE_INCLUDE_DIRS} PATH_SUFFIXES openslide)
find_library(OpenSlide_LIBRARY NAMES openslide HINTS ${PC_OPENSLIDE_LIBRARY_DIRS})
set(OpenSlide_VERSION ${PC_OPENSLIDE_VERSION})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenSlide REQUIRED_VARS OpenSlide_LIBRARY OpenSlide_INCLUDE_DIR
                                  VERSION_VAR OpenSlide_VERSION)
if(OpenSlide_FOUND AND NOT TARGET OpenSlide::OpenSlide)
  add_library(OpenSlide::OpenSlide UNKNOWN IMPORTED)
  set_target_properties(OpenSlide::OpenSlide PROPERTIES IMPORTED_LOCATION "${OpenSlide_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${OpenSlide_INCLUDE_DIR}")
endif()
mark_as_advanced(OpenSlide_INCLUDE_DIR OpenSlide_LIBRARY)
