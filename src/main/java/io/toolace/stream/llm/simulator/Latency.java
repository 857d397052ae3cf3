package io.toolace.stream.llm.simulator;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long the simulator takes to answer: a fixed time, uniform between two bounds, or log-normal
 * (the long right tail of real LLM servers) given by its median and 99th percentile.
 *
 * @param kind which distribution
 * @param a the fixed time, the minimum, or the median, in milliseconds
 * @param b unused, the maximum, or the 99th percentile, in milliseconds
 */
public record Latency(Kind kind, long a, long b) {

    public enum Kind { FIXED, UNIFORM, LOG_NORMAL }

    /** z of the 99th percentile of the standard normal distribution. */
    private static final double Z_99 = 2.3263478740408408;

    public Latency {
        if (a < 0 || b < 0 || kind != Kind.FIXED && b < a) {
            throw new IllegalArgumentException("latency bounds must be non-negative and ordered, got " + a + " and " + b);
        }
        if (kind == Kind.LOG_NORMAL && a == 0) {
            throw new IllegalArgumentException("a log-normal latency needs a positive median");
        }
    }

    public static Latency fixed(final long ms) {
        return new Latency(Kind.FIXED, ms, 0);
    }

    public static Latency uniform(final long minMs, final long maxMs) {
        return new Latency(Kind.UNIFORM, minMs, maxMs);
    }

    public static Latency logNormal(final long medianMs, final long p99Ms) {
        return new Latency(Kind.LOG_NORMAL, medianMs, p99Ms);
    }

    /**
     * Reads {@code 250} (fixed), {@code 100..400} (uniform) or {@code lognormal:200,1500} (median, p99),
     * all in milliseconds.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Latency parse(final String text) {
        final String s = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("lognormal:")) {
                final String[] parts = s.substring("lognormal:".length()).split(",");
                return logNormal(Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip()));
            }
            final int range = s.indexOf("..");
            if (range >= 0) {
                return uniform(Long.parseLong(s.substring(0, range).strip()), Long.parseLong(s.substring(range + 2).strip()));
            }
            return fixed(Long.parseLong(s));
        } catch (final NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("latency must be MS, MIN..MAX or lognormal:MEDIAN,P99 (milliseconds), got '"
                    + text + "'", e);
        }
    }

    /** One draw, in milliseconds. */
    public long sample(final SplittableRandom rnd) {
        switch (kind) {
            case UNIFORM:
                return a + (b == a ? 0 : rnd.nextLong(b - a + 1));
            case LOG_NORMAL:
                final double sigma = Math.log((double) Math.max(b, a) / a) / Z_99;
                return Math.round(a * Math.exp(sigma * gaussian(rnd)));
            default:
                return a;
        }
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(final SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    @Override
    public String toString() {
        switch (kind) {
            case UNIFORM: return a + ".." + b + " ms";
            case LOG_NORMAL: return "log-normal, median " + a + " ms, p99 " + b + " ms";
            default: return a + " ms";
        }
    }
}
