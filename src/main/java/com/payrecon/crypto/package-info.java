/**
 * Provider cryptography and message codecs: WeChat Pay APIv2 signatures, XML and refund cipher, APIv3 RSA
 * signatures, AEAD and Authorization headers, Alipay RSA/RSA2 signatures and form codec, and key loading.
 * JDK only (java.security, javax.crypto, javax.xml); no framework types, no logging, no key material in
 * exception messages. Signatures and MACs are always compared in constant time.
 *
 * <p>A top-level package of its own (not under {@code provider}): accounts load their keys with {@link Keys} and
 * name the WeChat v2 sign type with {@link WechatSignType}, the notify verifiers and the provider clients sign and
 * verify with it, so it depends on none of them ({@code ArchitectureTests} keeps the packages free of cycles).
 */
@NullMarked
package com.payrecon.crypto;

import org.jspecify.annotations.NullMarked;
