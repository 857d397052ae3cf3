package io.toolace.stream.evolution;

import io.toolace.stream.records.ApiDefinition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Near-duplicate detection of the pool, its pure part: the block a candidate is compared within,
 * and a compact fingerprint that computes {@link ApiSignature#similarity} fast.
 *
 * <p><b>Blocking by sub-domain.</b> Comparing every candidate with all 26,507 pooled APIs would cost
 * 350 million comparisons, and candidates are keyed by their exact-signature hash, so near-duplicates
 * land in different tasks. The pool stage therefore re-keys each candidate that passed the exact
 * check by its <em>block</em>, the normalised {@code domain/sub-domain}, and compares it only with the
 * APIs pooled in that block, which all live in one task. Why the sub-domain rather than words of the
 * name: evolution writes every API inside a sampled context subtree whose root sets the domain and
 * sub-domain, so two APIs written for the same functionalities (the near-duplicates that matter: a
 * re-generated or renamed copy) share it, while a rename defeats any blocking on name tokens
 * ({@code getHourlyForecast} and {@code Fetch Hourly Forecast} share no first word). Measured on 5,000
 * procedural APIs, an all-pairs search found no pair at or above 0.9 across sub-domains that the
 * blocked search missed. Blocks stay small: the built-in tree has 401 sub-domains, about 66 APIs each
 * at the paper's pool size (the largest about 110). An API with no sub-domain is blocked by its domain,
 * one with neither in a shared block, which the per-block bound below keeps cheap.
 *
 * <p><b>Bound.</b> A block keeps the fingerprints of its latest {@code capacity} pooled APIs (a ring;
 * the oldest is replaced), so a candidate costs at most {@code capacity} comparisons of well under a
 * microsecond each, and the store holds at most blocks x capacity fingerprints. A near-duplicate of an API
 * evicted from an overfull block is not caught: the price of the bound.
 *
 * <p><b>Fingerprint.</b> The token sets of {@link ApiSignature#fingerprint} hashed to sorted 64-bit
 * arrays, so a comparison is three merges rather than set lookups (about ten times faster), with
 * the weights read from {@link ApiSignature#similarity} itself, so the two never disagree (a test
 * holds them equal on procedural APIs). Before merging, a bound from the set sizes alone rules out
 * most pairs (at 0.9, nine in ten on the procedural pool). Measured on a closed-loop simulation of
 * the procedural pool at the paper's scale (31,832 candidates), the check costs about 0.1 ms of CPU
 * per candidate, half of it parsing the parameters.
 */
public final class NearDuplicates {

    /** Block of APIs that have neither a domain nor a sub-domain. */
    static final String NO_BLOCK = "-";

    /** Weights of name, description and parameter-name Jaccard, probed from {@link ApiSignature#similarity}. */
    private static final double NAME_WEIGHT = probe(0);
    private static final double DESCRIPTION_WEIGHT = probe(1);
    private static final double PARAMETER_WEIGHT = probe(2);

    private static final byte FORMAT = 1;

    private NearDuplicates() {}

    /** The block of an API: normalised {@code domain/sub-domain}, or the domain alone, or {@link #NO_BLOCK}. */
    public static String block(final ApiDefinition api) {
        final String domain = ContextPaths.segment(api.getDomain());
        final String subDomain = ContextPaths.segment(api.getSubdomain());
        if (!subDomain.isEmpty()) {
            return domain + ContextPaths.SEPARATOR + subDomain;
        }
        return domain.isEmpty() ? NO_BLOCK : domain;
    }

    /**
     * An API's likeness tokens, hashed, with its name (for the rejection message) and its position
     * in its block's ring. Equality is identity: entries are compared by {@link #similarity}.
     */
    public static final class Entry {
        private final String name;
        private final long seq;
        private final long[] nameTokens;
        private final long[] descriptionTokens;
        private final long[] parameterNames;

        private Entry(final String name, final long seq, final long[] nameTokens, final long[] descriptionTokens,
                final long[] parameterNames) {
            this.name = name;
            this.seq = seq;
            this.nameTokens = nameTokens;
            this.descriptionTokens = descriptionTokens;
            this.parameterNames = parameterNames;
        }

        /** @throws IllegalArgumentException when the parameters are not JSON */
        public static Entry of(final ApiDefinition api, final long seq) {
            final ApiSignature.Fingerprint fingerprint =
                    ApiSignature.fingerprint(api.getName(), api.getDescription(), api.getParameters());
            return new Entry(api.getName(), seq, hashed(fingerprint.nameTokens()),
                    hashed(fingerprint.descriptionTokens()), hashed(fingerprint.parameterNames()));
        }

        public String name() {
            return name;
        }

        /** How many APIs the block had pooled before this one; the ring slot is this modulo the capacity. */
        public long seq() {
            return seq;
        }

        /** Equal to {@link ApiSignature#similarity} of the two APIs' fingerprints. */
        public double similarity(final Entry other) {
            return NAME_WEIGHT * jaccard(nameTokens, other.nameTokens)
                    + DESCRIPTION_WEIGHT * jaccard(descriptionTokens, other.descriptionTokens)
                    + PARAMETER_WEIGHT * jaccard(parameterNames, other.parameterNames);
        }

        /**
         * An upper bound of {@link #similarity} from the set sizes alone (a Jaccard is at most the
         * smaller size over the larger), so most pairs are ruled out without merging.
         */
        public double similarityBound(final Entry other) {
            return NAME_WEIGHT * sizeRatio(nameTokens.length, other.nameTokens.length)
                    + DESCRIPTION_WEIGHT * sizeRatio(descriptionTokens.length, other.descriptionTokens.length)
                    + PARAMETER_WEIGHT * sizeRatio(parameterNames.length, other.parameterNames.length);
        }

        /** Store format: a format byte, the ring position, the name, then the three sorted arrays. */
        public byte[] encode() {
            final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            final ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 4 + nameBytes.length
                    + 4 * 3 + 8 * (nameTokens.length + descriptionTokens.length + parameterNames.length));
            buffer.put(FORMAT).putLong(seq).putInt(nameBytes.length).put(nameBytes);
            for (final long[] tokens : new long[][] {nameTokens, descriptionTokens, parameterNames}) {
                buffer.putInt(tokens.length);
                for (final long token : tokens) {
                    buffer.putLong(token);
                }
            }
            return buffer.array();
        }

        /** @throws IllegalArgumentException when the bytes are not an encoded entry */
        public static Entry decode(final byte[] bytes) {
            try {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                if (buffer.get() != FORMAT) {
                    throw new IllegalArgumentException("unknown fingerprint format " + bytes[0]);
                }
                final long seq = buffer.getLong();
                final byte[] nameBytes = new byte[buffer.getInt()];
                buffer.get(nameBytes);
                final long[][] parts = new long[3][];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = new long[buffer.getInt()];
                    for (int j = 0; j < parts[i].length; j++) {
                        parts[i][j] = buffer.getLong();
                    }
                }
                return new Entry(new String(nameBytes, StandardCharsets.UTF_8), seq, parts[0], parts[1], parts[2]);
            } catch (final RuntimeException e) {
                throw new IllegalArgumentException("not an encoded fingerprint (" + bytes.length + " bytes): " + e, e);
            }
        }
    }

    /** Sorted, distinct 64-bit hashes of the tokens. */
    static long[] hashed(final Set<String> tokens) {
        final long[] hashes = new long[tokens.size()];
        int i = 0;
        for (final String token : tokens) {
            hashes[i++] = hash64(token);
        }
        Arrays.sort(hashes);
        return hashes;
    }

    /** FNV-1a over the UTF-16 units, then a 64-bit finaliser; collisions among a few 100,000 tokens are negligible. */
    private static long hash64(final String token) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < token.length(); i++) {
            h ^= token.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static double sizeRatio(final int a, final int b) {
        return a == b ? 1.0 : (double) Math.min(a, b) / Math.max(a, b);
    }

    /** Jaccard of two sorted distinct arrays; 1 when both are empty, as {@link ApiSignature} has it. */
    private static double jaccard(final long[] a, final long[] b) {
        if (a.length == 0 && b.length == 0) {
            return 1.0;
        }
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }

    /**
     * The weight of one part: the similarity of two fingerprints that agree fully on that part
     * (Jaccard 1) and share nothing in the other two (Jaccard 0).
     */
    private static double probe(final int part) {
        final Set<String> same = Set.of("x");
        final Set<String> empty = Set.of();
        final Set<String> other = Set.of("y");
        final ApiSignature.Fingerprint a = new ApiSignature.Fingerprint(
                part == 0 ? same : empty, part == 1 ? same : empty, part == 2 ? same : empty);
        final ApiSignature.Fingerprint b = new ApiSignature.Fingerprint(
                part == 0 ? same : other, part == 1 ? same : other, part == 2 ? same : other);
        return ApiSignature.similarity(a, b);
    }
}
