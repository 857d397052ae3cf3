package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.OutcomeStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the verified samples cost in LLM calls: {@code llm.usage} joined to {@code dialog.outcomes}, by dialog type.
 * A turn request's correlation id is its draft's id, which is the dialog id; a judge's or the complexity scorer's is
 * the sample id, the content hash of the finished dialog. Both are on the dialog's outcome. Content that came out
 * twice shares a sample id, and only the copy that was not rejected as a duplicate was put to the judges, so the
 * judges' calls go to that copy. Calls of the API pool's stages (speciation, evolution) belong to no dialog and are
 * counted apart, as are calls of dialogs that had no outcome yet.
 */
final class CostPerSample {

    /** The rule a rejection is charged to when the outcome names none. */
    static final String NO_RULE = "(none)";

    private final Map<String, Spend> byCorrelation = new HashMap<>();
    private final List<DialogOutcome> outcomes = new ArrayList<>();
    private final Spend pool = new Spend();

    void call(final LlmCall call) {
        if (call.getTask() == AgentTask.EXTRACT_DOMAINS || call.getTask() == AgentTask.GENERATE_API) {
            pool.add(call);
        } else {
            byCorrelation.computeIfAbsent(call.getCorrelationId(), id -> new Spend()).add(call);
        }
    }

    void outcome(final DialogOutcome outcome) {
        outcomes.add(outcome);
    }

    Report report() {
        final Map<String, DialogOutcome> judgedCopy = new HashMap<>();
        for (final DialogOutcome outcome : outcomes) {
            if (outcome.getSampleId() != null && !outcome.getRules().contains("SAMPLE_DUPLICATE")) {
                judgedCopy.putIfAbsent(outcome.getSampleId(), outcome);
            }
        }
        final Map<DialogType, Row> rows = new EnumMap<>(DialogType.class);
        for (final DialogType type : DialogType.values()) {
            rows.put(type, new Row(type.name()));
        }
        final Row total = new Row("ALL");
        long attributed = 0;
        for (final DialogOutcome outcome : outcomes) {
            final Spend spend = new Spend();
            spend.add(byCorrelation.get(outcome.getDialogId()));
            if (outcome.getSampleId() != null && judgedCopy.get(outcome.getSampleId()) == outcome) {
                spend.add(byCorrelation.get(outcome.getSampleId()));
            }
            attributed += spend.calls;
            rows.get(outcome.getDialogType()).add(outcome, spend);
            total.add(outcome, spend);
        }
        long all = 0;
        for (final Spend spend : byCorrelation.values()) {
            all += spend.calls;
        }
        final List<Row> table = new ArrayList<>(rows.values());
        table.add(total);
        return new Report(table, pool, all - attributed);
    }

    /** Calls and the tokens they paid for; a call answered from the gateway's cache paid none. */
    static final class Spend {
        long calls;
        long cached;
        long promptTokens;
        long completionTokens;
        final Map<String, Long> callsByTask = new TreeMap<>();

        void add(final LlmCall call) {
            calls++;
            cached += call.getCached() ? 1 : 0;
            promptTokens += call.getPromptTokens();
            completionTokens += call.getCompletionTokens();
            callsByTask.merge(call.getTask().name(), 1L, Long::sum);
        }

        void add(final Spend other) {
            if (other != null) {
                calls += other.calls;
                cached += other.cached;
                promptTokens += other.promptTokens;
                completionTokens += other.completionTokens;
                other.callsByTask.forEach((task, n) -> callsByTask.merge(task, n, Long::sum));
            }
        }
    }

    /** One dialog type's dialogs and what they cost; the calls of rejected ones are charged to the first failed rule. */
    static final class Row {
        final String type;
        long dialogs;
        long verified;
        final Spend spend = new Spend();
        long rejectedCalls;
        final Map<String, Long> rejectedCallsByRule = new HashMap<>();

        Row(final String type) {
            this.type = type;
        }

        void add(final DialogOutcome outcome, final Spend dialog) {
            dialogs++;
            spend.add(dialog);
            if (outcome.getStatus() == OutcomeStatus.VERIFIED) {
                verified++;
            } else {
                rejectedCalls += dialog.calls;
                final String rule = outcome.getStatus() == OutcomeStatus.DEAD_LETTERED ? "DEAD_LETTERED"
                        : outcome.getRules().isEmpty() ? NO_RULE : outcome.getRules().get(0);
                rejectedCallsByRule.merge(rule, dialog.calls, Long::sum);
            }
        }

        double callsPerVerified() {
            return perVerified(spend.calls);
        }

        double promptTokensPerVerified() {
            return perVerified(spend.promptTokens);
        }

        double completionTokensPerVerified() {
            return perVerified(spend.completionTokens);
        }

        /** The share of this type's calls spent on dialogs that ended rejected (or dead-lettered). */
        double rejectedShare() {
            return spend.calls == 0 ? 0 : (double) rejectedCalls / spend.calls;
        }

        /** The rules whose rejections cost the most calls, most first, at most {@code n}. */
        List<Map.Entry<String, Long>> topRules(final int n) {
            return rejectedCallsByRule.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(n).toList();
        }

        private double perVerified(final long amount) {
            return verified == 0 ? Double.NaN : (double) amount / verified;
        }
    }

    /**
     * @param rows one per dialog type, then {@code ALL}
     * @param pool the calls of the API pool's stages
     * @param unattributed calls of dialogs without an outcome yet (in flight when the report was made)
     */
    record Report(List<Row> rows, Spend pool, long unattributed) {

        Row total() {
            return rows.get(rows.size() - 1);
        }

        List<String> lines() {
            final List<String> lines = new ArrayList<>();
            lines.add(String.format("  %-9s %7s %8s %11s %13s %13s %9s  %s", "type", "dialogs", "verified",
                    "calls/ver", "prompt tk/ver", "compl. tk/ver", "rejected%", "calls of rejected dialogs by rule"));
            for (final Row row : rows) {
                final StringBuilder rules = new StringBuilder();
                for (final Map.Entry<String, Long> rule : row.topRules(3)) {
                    rules.append(rules.length() == 0 ? "" : ", ").append(rule.getKey()).append(' ')
                            .append(percent((double) rule.getValue() / Math.max(1, row.spend.calls)));
                }
                lines.add(String.format("  %-9s %,7d %,8d %11.1f %,13.0f %,13.0f %9s  %s", row.type, row.dialogs,
                        row.verified, row.callsPerVerified(), row.promptTokensPerVerified(),
                        row.completionTokensPerVerified(), percent(row.rejectedShare()), rules));
            }
            lines.add(String.format("  calls of ALL by task per verified dialog: %s", perVerifiedByTask(total())));
            lines.add(String.format("  not in the table: %,d API-pool calls, %,d calls of dialogs still in flight",
                    pool.calls, unattributed));
            return lines;
        }

        ObjectNode json(final ObjectMapper mapper) {
            final ObjectNode node = mapper.createObjectNode();
            final ArrayNode types = node.putArray("byType");
            for (final Row row : rows) {
                final ObjectNode r = types.addObject().put("type", row.type).put("dialogs", row.dialogs)
                        .put("verified", row.verified).put("calls", row.spend.calls).put("cachedCalls", row.spend.cached)
                        .put("promptTokens", row.spend.promptTokens).put("completionTokens", row.spend.completionTokens)
                        .put("callsPerVerified", round(row.callsPerVerified()))
                        .put("promptTokensPerVerified", round(row.promptTokensPerVerified()))
                        .put("completionTokensPerVerified", round(row.completionTokensPerVerified()))
                        .put("rejectedCallShare", Math.round(row.rejectedShare() * 1000) / 1000.0);
                final ObjectNode rules = r.putObject("rejectedCallsByRule");
                row.topRules(Integer.MAX_VALUE).forEach(e -> rules.put(e.getKey(), e.getValue()));
                final ObjectNode tasks = r.putObject("callsByTask");
                row.spend.callsByTask.forEach(tasks::put);
            }
            node.put("poolCalls", pool.calls).put("poolPromptTokens", pool.promptTokens)
                    .put("poolCompletionTokens", pool.completionTokens).put("inFlightCalls", unattributed);
            return node;
        }

        private static String perVerifiedByTask(final Row row) {
            final Map<String, String> shown = new LinkedHashMap<>();
            row.spend.callsByTask.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .forEach(e -> shown.put(e.getKey(), String.format("%.2f", (double) e.getValue()
                            / Math.max(1, row.verified))));
            return shown.toString();
        }

        private static String percent(final double share) {
            return String.format("%.1f%%", share * 100);
        }

        private static double round(final double value) {
            return Double.isNaN(value) ? 0 : Math.round(value * 100) / 100.0;
        }
    }
}
