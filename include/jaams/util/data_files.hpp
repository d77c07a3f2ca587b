#pragma once
// Files jaams ships beside its code (the fault-filtered GTZAN split lists, the converted
// compact_cnn weights), found at run time rather than at a path baked in at build time, so an
// installed or moved jaams finds them too. Searched in order:
//   $JAAMS_DATA_DIR/<relative>
//   <executable's folder>/../share/jaams/<relative>       (an installed jaams)
//   <executable's folder and up to 4 parents>/<relative>  (a build folder inside the source tree)
#include <filesystem>
#include <string>

namespace jaams {

// The first existing candidate, or an empty path when none exists.
std::filesystem::path find_data_file(const std::string& relative);

// Like find_data_file, but throws jaams::Error naming `what` and the places searched.
std::filesystem::path require_data_file(const std::string& relative, const std::string& what);

}  // namespace jaams
