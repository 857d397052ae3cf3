package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.ToolSample;
import java.lang.Character.UnicodeScript;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * Dialog correctness: fields present, no empty turn, not too long, no invalid characters, one
 * language, complete.
 */
final class DialogRules {

    private static final String CODE_FENCE = "```";

    private DialogRules() {}

    static void check(final ToolSample sample, final RuleConfig config, final Findings findings, final TextScan scan) {
        final List<Message> messages = sample.messages();
        if (messages.isEmpty()) {
            findings.add(Rule.DIALOG_MISSING_FIELD, -1, "the dialog has no turns");
            return;
        }
        if (messages.size() > config.maxTurns()) {
            findings.add(Rule.DIALOG_TOO_LONG, -1, "the dialog has " + messages.size() + " turns, more than " + config.maxTurns());
        }
        if (sample.system() != null && findings.on(Rule.DIALOG_INVALID_CHARS)) {
            scan.scanChars(sample.system());
            if (scan.invalidAt() >= 0) {
                findings.add(Rule.DIALOG_INVALID_CHARS, -1, "the system prompt has " + scan.invalidChar() + " at character " + scan.invalidAt());
            }
        }
        UnicodeScript dialogScript = null;
        int dialogScriptTurn = -1;
        for (int turn = 0; turn < messages.size(); turn++) {
            final Message message = messages.get(turn);
            if (message.issue() != null) {
                continue;
            }
            checkPresence(message, turn, findings);
            if (findings.on(Rule.DIALOG_INVALID_CHARS)) {
                for (final FunctionCall call : message.calls()) {
                    checkArgumentChars(call.arguments(), call.name(), turn, findings, scan);
                }
            }
            final String text = message.text();
            if (text == null || text.isEmpty()) {
                continue;
            }
            if (text.length() > config.maxTurnChars()) {
                findings.add(Rule.DIALOG_TOO_LONG, turn, "the turn has " + text.length() + " characters, more than " + config.maxTurnChars());
            }
            scan.scan(text);
            if (scan.invalidAt() >= 0) {
                findings.add(Rule.DIALOG_INVALID_CHARS, turn, "the text has " + scan.invalidChar() + " at character " + scan.invalidAt());
            }
            if (message.role() != Role.USER && message.role() != Role.ASSISTANT) {
                continue;
            }
            if (scan.letters() >= config.minLanguageLetters()) {
                if (scan.secondCount() >= config.mixedScriptShare() * scan.letters()) {
                    findings.add(Rule.DIALOG_MIXED_LANGUAGE, turn, "the turn mixes " + name(scan.dominant()) + " (" + scan.dominantCount()
                            + " letters) and " + name(scan.second()) + " (" + scan.secondCount() + ")");
                } else if (dialogScript == null) {
                    dialogScript = scan.dominant();
                    dialogScriptTurn = turn;
                } else if (scan.dominant() != dialogScript) {
                    findings.add(Rule.DIALOG_MIXED_LANGUAGE, turn, "the turn is in " + name(scan.dominant()) + " script, turn "
                            + dialogScriptTurn + " in " + name(dialogScript));
                }
            }
            if (message.role() == Role.ASSISTANT && findings.on(Rule.DIALOG_INCOMPLETE)) {
                checkTruncation(text, turn, findings);
            }
        }
        checkEnding(messages, findings);
    }

    private static void checkPresence(final Message message, final int turn, final Findings findings) {
        final boolean hasContent = switch (message.role()) {
            case ASSISTANT -> !message.calls().isEmpty();
            case TOOL -> !message.results().isEmpty();
            default -> false;
        };
        if (hasContent) {
            return;
        }
        final String role = message.role().name().toLowerCase(Locale.ROOT);
        if (message.text() == null) {
            findings.add(Rule.DIALOG_MISSING_FIELD, turn, "the " + role + " turn has no content");
        } else if (message.text().isBlank()) {
            findings.add(Rule.DIALOG_EMPTY_TURN, turn, "the " + role + " turn is empty");
        }
    }

    /** Walks the argument tree with an explicit stack: argument nesting is up to the data, not to us. */
    private static void checkArgumentChars(final JsonNode arguments, final String function, final int turn, final Findings findings,
            final TextScan scan) {
        final ArrayDeque<JsonNode> pending = new ArrayDeque<>();
        pending.push(arguments);
        while (!pending.isEmpty()) {
            final JsonNode value = pending.pop();
            if (value.isTextual()) {
                scan.scanChars(value.textValue());
                if (scan.invalidAt() >= 0) {
                    findings.add(Rule.DIALOG_INVALID_CHARS, turn, function + ": an argument has " + scan.invalidChar()
                            + " at character " + scan.invalidAt());
                    return;
                }
            } else if (value.isContainerNode()) {
                value.forEach(pending::push);
            }
        }
    }

    /**
     * A generator that hit its token limit leaves a turn mid-sentence or inside a code block: an
     * unclosed code fence, or a last character that cannot end a sentence.
     */
    private static void checkTruncation(final String text, final int turn, final Findings findings) {
        int fences = 0;
        for (int i = text.indexOf(CODE_FENCE); i >= 0; i = text.indexOf(CODE_FENCE, i + CODE_FENCE.length())) {
            fences++;
        }
        if (fences % 2 != 0) {
            findings.add(Rule.DIALOG_INCOMPLETE, turn, "the turn ends inside a code block (cut off?)");
            return;
        }
        int end = text.length() - 1;
        while (end >= 0 && Character.isWhitespace(text.charAt(end))) {
            end--;
        }
        if (end >= 0 && ",;:".indexOf(text.charAt(end)) >= 0) {
            findings.add(Rule.DIALOG_INCOMPLETE, turn, "the turn ends with '" + text.charAt(end) + "' (cut off?)");
        }
    }

    private static void checkEnding(final List<Message> messages, final Findings findings) {
        int last = messages.size() - 1;
        while (last >= 0 && messages.get(last).role() == Role.SYSTEM) {
            last--;
        }
        if (last < 0) {
            findings.add(Rule.DIALOG_MISSING_FIELD, -1, "the dialog has no user, assistant or tool turn");
            return;
        }
        final Role role = messages.get(last).role();
        if (role == Role.USER || role == Role.TOOL) {
            findings.add(Rule.DIALOG_INCOMPLETE, last, "the dialog ends on a " + role.name().toLowerCase(Locale.ROOT)
                    + " turn, with no assistant answer");
        }
    }

    private static String name(final UnicodeScript script) {
        final String name = script.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
