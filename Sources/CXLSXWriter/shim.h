// libxlsxwriter from Debian (libxlsxwriter-dev); the only C library QualityFlow calls directly.
#include <xlsxwriter.h>
