package io.toolace.stream.verify;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the rule layer. Defaults suit ToolACE-shaped data: its longest natural-language turns
 * run to about 3,500 characters and its dialogs to about a dozen turns.
 *
 * @param disabled rules that are not checked
 * @param maxTurnChars longest allowed text of one turn, in chars
 * @param maxTurns most turns a dialog may have
 * @param callsOnly whether an assistant turn with calls may carry text beside them
 * @param callsOnlyMarkers phrases of a system prompt that demand calls without text, matched
 *     ignoring case, for {@link CallsOnly#DETECT}
 * @param minLanguageLetters fewest letters a turn needs before its writing system is judged
 * @param mixedScriptShare share of a turn's letters a second writing system must reach for the
 *     turn to count as mixed
 */
public record RuleConfig(
        Set<Rule> disabled,
        int maxTurnChars,
        int maxTurns,
        CallsOnly callsOnly,
        List<String> callsOnlyMarkers,
        int minLanguageLetters,
        double mixedScriptShare) {

    /** Whether text beside calls breaks the sample's format. */
    public enum CallsOnly {
        /** When the system prompt contains one of the markers (ToolACE's says "NO other text MUST be included"). */
        DETECT,
        ALWAYS,
        NEVER
    }

    public static final RuleConfig DEFAULTS = new RuleConfig(Set.of(), 8_000, 64, CallsOnly.DETECT,
            List.of("no other text", "only return the function call"), 12, 0.3);

    public RuleConfig {
        disabled = disabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(disabled));
        callsOnlyMarkers = List.copyOf(callsOnlyMarkers);
        if (disabled.contains(Rule.DIALOG_UNREADABLE)) {
            throw new IllegalArgumentException(Rule.DIALOG_UNREADABLE.id() + " cannot be disabled: an unreadable record cannot be verified");
        }
        if (maxTurnChars < 1 || maxTurns < 1 || minLanguageLetters < 1) {
            throw new IllegalArgumentException("maxTurnChars, maxTurns and minLanguageLetters must be positive");
        }
        if (!(mixedScriptShare > 0 && mixedScriptShare <= 0.5)) {
            throw new IllegalArgumentException("mixedScriptShare must be within (0, 0.5], got " + mixedScriptShare);
        }
    }

    public boolean enabled(final Rule rule) {
        return !disabled.contains(rule);
    }

    public RuleConfig withDisabled(final Collection<Rule> rules) {
        return new RuleConfig(Set.copyOf(rules), maxTurnChars, maxTurns, callsOnly, callsOnlyMarkers, minLanguageLetters, mixedScriptShare);
    }

    public RuleConfig withMaxTurnChars(final int chars) {
        return new RuleConfig(disabled, chars, maxTurns, callsOnly, callsOnlyMarkers, minLanguageLetters, mixedScriptShare);
    }

    public RuleConfig withMaxTurns(final int turns) {
        return new RuleConfig(disabled, maxTurnChars, turns, callsOnly, callsOnlyMarkers, minLanguageLetters, mixedScriptShare);
    }

    public RuleConfig withCallsOnly(final CallsOnly policy) {
        return new RuleConfig(disabled, maxTurnChars, maxTurns, policy, callsOnlyMarkers, minLanguageLetters, mixedScriptShare);
    }
}
