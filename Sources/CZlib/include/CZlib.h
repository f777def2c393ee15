// The system zlib for Releases' record storage: segmented gzip (raw deflate streams,
// deflateSetDictionary, crc32_combine) and gunzip. The headers come from zlib1g-dev, one of
// Swift's own prerequisites on Linux.
#include <zlib.h>
