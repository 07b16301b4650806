/** Output encodings of `ICertView` column values (CertView.h `CV_OUT_*`). */
export const CV_OUT_BASE64HEADER = 0;
export const CV_OUT_BASE64 = 1;
export const CV_OUT_BINARY = 2;
export const CV_OUT_BASE64REQUESTHEADER = 3;
export const CV_OUT_HEX = 4;
export const CV_OUT_HEXASCII = 5;
export const CV_OUT_BASE64X509CRLHEADER = 9;
export const CV_OUT_HEXADDR = 0xa;
export const CV_OUT_HEXASCIIADDR = 0xb;
export const CV_OUT_HEXRAW = 0xc;
export const CV_OUT_ENCODEMASK = 0xff;
export const CV_OUT_NOCRLF = 0x40000000;
export const CV_OUT_NOCR = 0x80000000;
