// zlib for Releases' segmented gzip, which needs raw deflate streams, deflateSetDictionary and
// crc32_combine (CompressNIO keeps its own zlib module internal). The headers come from the
// system's zlib, already required by compress-nio.
#include <zlib.h>
