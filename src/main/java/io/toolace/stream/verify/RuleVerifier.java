package io.toolace.stream.verify;

import io.toolace.stream.format.Message;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.TurnIssue;
import java.util.List;
import java.util.Map;

/**
 * The rule layer of Dual-Layer Verification: API definition clarity, call executability, dialog
 * correctness and sample consistency, all without executing anything. Thread-safe; one instance
 * serves any number of threads.
 */
public final class RuleVerifier {

    /** A scan holds a text buffer of the longest text seen; one per thread keeps verify allocation-light. */
    private static final ThreadLocal<TextScan> SCANS = ThreadLocal.withInitial(TextScan::new);

    private final RuleConfig config;
    /** Null when no marker is configured. */
    private final CaseInsensitivePhrases callsOnlyMarkers;

    public RuleVerifier(final RuleConfig config) {
        this.config = config;
        final List<String> markers = config.callsOnlyMarkers().stream().filter(m -> !m.isEmpty()).toList();
        this.callsOnlyMarkers = markers.isEmpty() ? null : new CaseInsensitivePhrases(markers);
    }

    public RuleConfig config() {
        return config;
    }

    /** Every rule failure of a sample, in rule-family order (API, call, dialog, consistency); empty when it passes. */
    public List<Failure> verify(final ToolSample sample) {
        final Findings findings = new Findings(config);
        final Map<String, ApiRules.CompiledTool> tools = ApiRules.compileAll(sample.tools(), findings);
        reportIssues(sample.messages(), findings);
        CallRules.check(sample.messages(), tools, findings);
        DialogRules.check(sample, config, findings, SCANS.get());
        ConsistencyRules.check(sample.messages(), demandsCallsOnly(sample.system()), findings);
        return findings.failures();
    }

    /** Whether text beside a call list breaks this sample's format. */
    boolean demandsCallsOnly(final String system) {
        return switch (config.callsOnly()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case DETECT -> system != null && callsOnlyMarkers != null && callsOnlyMarkers.isIn(system);
        };
    }

    /** What the reader could not read in a turn, under the rule that covers it. */
    private static void reportIssues(final List<Message> messages, final Findings findings) {
        for (int turn = 0; turn < messages.size(); turn++) {
            final TurnIssue issue = messages.get(turn).issue();
            if (issue != null) {
                findings.add(ruleOf(issue.kind()), turn, issue.detail());
            }
        }
    }

    static Rule ruleOf(final TurnIssue.Kind kind) {
        return switch (kind) {
            case CALL_SYNTAX -> Rule.CALL_PARSE_ERROR;
            case MISSING_FIELD -> Rule.DIALOG_MISSING_FIELD;
            case SHAPE -> Rule.CONSIST_FORMAT_VIOLATION;
            case UNMATCHED_CALL_ID -> Rule.CONSIST_TOOL_NAME_MISMATCH;
        };
    }
}
