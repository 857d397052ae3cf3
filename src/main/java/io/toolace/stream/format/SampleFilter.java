package io.toolace.stream.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which samples an export keeps: by dialog type, by domain (each case-insensitive, any of the listed
 * values; none listed keeps all) and by rule verdicts, all conditions together. A verdict condition
 * {@code RULE=fail} keeps a sample that failed the rule; {@code RULE=pass} one that did not: the rule layer
 * records failures only, so a rule without a verdict counts as passed.
 *
 * @param dialogTypes upper-case dialog types to keep, empty for all
 * @param domains lower-case domains to keep, empty for all
 * @param verdicts rule id to the outcome a kept sample must have (true: passed)
 */
public record SampleFilter(Set<String> dialogTypes, Set<String> domains, Map<String, Boolean> verdicts) {

    public static final SampleFilter ALL = new SampleFilter(Set.of(), Set.of(), Map.of());

    public SampleFilter {
        dialogTypes = Set.copyOf(dialogTypes);
        domains = Set.copyOf(domains);
        verdicts = Map.copyOf(verdicts);
    }

    /**
     * From command-line values: dialog types, domains and {@code RULE=pass|fail} conditions.
     *
     * @throws IllegalArgumentException for a condition of another form
     */
    public static SampleFilter of(final List<String> dialogTypes, final List<String> domains,
            final List<String> verdictConditions) {
        final Map<String, Boolean> verdicts = new LinkedHashMap<>();
        for (final String condition : verdictConditions) {
            final String[] parts = condition.split("=", -1);
            final String outcome = parts.length == 2 ? parts[1].strip().toLowerCase(Locale.ROOT) : "";
            if (parts.length != 2 || parts[0].isBlank() || !(outcome.equals("pass") || outcome.equals("fail"))) {
                throw new IllegalArgumentException("a verdict condition is RULE=pass or RULE=fail, not '" + condition + "'");
            }
            final Boolean earlier = verdicts.put(parts[0].strip().toUpperCase(Locale.ROOT), outcome.equals("pass"));
            if (earlier != null && earlier != outcome.equals("pass")) {
                throw new IllegalArgumentException("rule " + parts[0].strip() + " must both pass and fail: no sample does");
            }
        }
        return new SampleFilter(normalised(dialogTypes, true), normalised(domains, false), verdicts);
    }

    private static Set<String> normalised(final List<String> values, final boolean upper) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty())
                .map(v -> upper ? v.toUpperCase(Locale.ROOT) : v.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    /**
     * Whether a sample is kept.
     *
     * @param failedRules the ids of the rules the sample failed
     */
    public boolean accepts(final String dialogType, final String domain, final Set<String> failedRules) {
        if (!dialogTypes.isEmpty() && !dialogTypes.contains(dialogType.toUpperCase(Locale.ROOT))) {
            return false;
        }
        if (!domains.isEmpty() && !domains.contains(domain.toLowerCase(Locale.ROOT))) {
            return false;
        }
        for (final Map.Entry<String, Boolean> verdict : verdicts.entrySet()) {
            if (failedRules.contains(verdict.getKey()) == verdict.getValue()) {
                return false;
            }
        }
        return true;
    }
}
