package io.toolace.stream.format;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Stable content hashes for keys: equal content gives an equal key in every process and run. */
public final class ContentHash {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ContentHash() {}

    /** First 16 bytes of SHA-256 over the parts joined by a separator no part can contain (U+0000), as hex. */
    public static String of(final String... parts) {
        final MessageDigest digest = sha256();
        for (final String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        final byte[] bytes = digest.digest();
        final char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /** A 64-bit seed derived from the same hash, for deterministic pseudo-random choices. */
    public static long seed(final String... parts) {
        return Long.parseUnsignedLong(of(parts).substring(0, 15), 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
