package io.toolace.stream.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleCatalogueTest {

    /** The ids issue 3 fixes; users filter on them, so they may not drift. */
    private static final List<String> ISSUE_IDS = List.of(
            "API_NAME_INVALID", "API_DESCRIPTION_MISSING", "API_SCHEMA_INVALID", "API_DUPLICATE_NAME",
            "CALL_PARSE_ERROR", "CALL_UNKNOWN_FUNCTION", "CALL_MISSING_REQUIRED", "CALL_UNKNOWN_PARAM", "CALL_TYPE_MISMATCH",
            "CALL_CONSTRAINT_VIOLATION",
            "DIALOG_MISSING_FIELD", "DIALOG_EMPTY_TURN", "DIALOG_TOO_LONG", "DIALOG_INVALID_CHARS", "DIALOG_MIXED_LANGUAGE",
            "DIALOG_INCOMPLETE",
            "CONSIST_ROLE_ORDER", "CONSIST_TOOL_NAME_MISMATCH", "CONSIST_RESPONSE_COUNT", "CONSIST_FORMAT_VIOLATION",
            "MODEL_HALLUCINATION", "MODEL_INCONSISTENT", "MODEL_TOOL_RESPONSE_MISMATCH", "MODEL_REPETITIVE");

    @Test
    void holdsEveryIdOfTheIssueAndOneForUnreadableRecords() {
        assertThat(Arrays.stream(Rule.values()).map(Rule::id)).containsExactlyInAnyOrderElementsOf(
                concat(ISSUE_IDS, "DIALOG_UNREADABLE"));
    }

    @Test
    void modelRulesAreOfTheModelLayerAndTheRestOfTheRuleLayer() {
        for (final Rule rule : Rule.values()) {
            assertThat(rule.layer()).as(rule.id()).isEqualTo(rule.id().startsWith("MODEL_") ? Rule.Layer.MODEL : Rule.Layer.RULE);
            assertThat(rule.description()).as(rule.id()).isNotBlank().doesNotContain("\n");
        }
        assertThat(Failure.of(Rule.MODEL_REPETITIVE, 3, "x")).isEqualTo(new Failure("MODEL_REPETITIVE", "model", 3, "x"));
    }

    @Test
    void everyRuleButUnreadableCanBeSwitchedOff() {
        final Set<Rule> all = Set.of(Rule.values());

        assertThatThrownBy(() -> RuleConfig.DEFAULTS.withDisabled(all))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DIALOG_UNREADABLE");
        final RuleConfig off = RuleConfig.DEFAULTS.withDisabled(all.stream().filter(r -> r != Rule.DIALOG_UNREADABLE).toList());
        assertThat(all).allSatisfy(rule -> assertThat(off.enabled(rule)).isEqualTo(rule == Rule.DIALOG_UNREADABLE));
    }

    private static List<String> concat(final List<String> ids, final String extra) {
        final List<String> all = new ArrayList<>(ids);
        all.add(extra);
        return all;
    }
}
