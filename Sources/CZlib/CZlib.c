// Empty: the target only exposes the system zlib's header and links libz.
