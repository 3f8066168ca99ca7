/**
 * Provider cryptography and message codecs: WeChat Pay APIv2 signatures, XML and refund cipher, APIv3 RSA
 * signatures, AEAD and Authorization headers, Alipay RSA/RSA2 signatures and form codec, and key loading.
 * JDK only (java.security, javax.crypto, javax.xml); no framework types, no logging, no key material in
 * exception messages. Signatures and MACs are always compared in constant time.
 */
@NullMarked
package com.payrecon.provider.crypto;

import org.jspecify.annotations.NullMarked;
