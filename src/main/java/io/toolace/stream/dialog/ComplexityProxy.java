package io.toolace.stream.dialog;

import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.SameInstance;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Complexity without a model, from the three factors ToolACE found the target model's loss to grow
 * with, each mapped onto [0, 1] and averaged (the paper ranks none above another):
 * <ul>
 *   <li><b>candidate APIs</b> {@code n}: {@code 1 - 1/n}, the chance that a blind pick among them is wrong;</li>
 *   <li><b>calls</b> {@code c} over the dialog: {@code 1 - 1/(1 + c)}, so each further call adds less;</li>
 *   <li><b>dissimilarity</b> of the user's requests to the called APIs' names and descriptions:
 *       {@code 1 - |U ∩ A| / min(|U|, |A|)} over content words, so a request that repeats the API's
 *       wording scores low and one that describes the need in its own words scores high. A dialog that
 *       calls nothing is compared with every candidate, the tools it had to recognise as unfit.</li>
 * </ul>
 * A sample with no user words or no API words has dissimilarity 0: nothing shows it is hard.
 */
public final class ComplexityProxy implements ComplexityEvaluator {

    /**
     * A tool's words, by spec instance: a sample that calls nothing is compared with every candidate, and the
     * pipeline hands the same specs to sample after sample. Splitting their descriptions again was most of
     * scoring a sample.
     */
    private static final BoundedCache<SameInstance<ToolSpec>, Set<String>> DESCRIBED = new BoundedCache<>(8_192);
    static final Set<String> STOPWORDS = Set.of(
            "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "is",
            "are", "be", "it", "its", "this", "that", "me", "my", "i", "you", "your", "we", "our", "can",
            "could", "would", "please", "what", "which", "how", "do", "does", "as", "if", "so", "also");

    @Override
    public double complexity(final ToolSample sample) {
        final int candidates = sample.tools().size();
        int calls = 0;
        final Set<String> called = new HashSet<>();
        final Set<String> requested = new HashSet<>();
        for (final Message message : sample.messages()) {
            if (message.role() == Role.USER) {
                words(message.text(), requested);
            }
            for (final FunctionCall call : message.calls()) {
                calls++;
                called.add(call.name());
            }
        }
        final Set<String> described = new HashSet<>();
        for (final ToolSpec tool : sample.tools()) {
            if (called.isEmpty() || called.contains(tool.name())) {
                described.addAll(DESCRIBED.get(new SameInstance<>(tool), same -> described(same.value())));
            }
        }
        final double choice = candidates == 0 ? 0 : 1 - 1.0 / candidates;
        final double depth = 1 - 1.0 / (1 + calls);
        return (choice + depth + dissimilarity(requested, described)) / 3;
    }

    private static Set<String> described(final ToolSpec tool) {
        final Set<String> words = new HashSet<>();
        words(tool.name(), words);
        words(tool.description(), words);
        return Set.copyOf(words);
    }

    static double dissimilarity(final Set<String> requested, final Set<String> described) {
        if (requested.isEmpty() || described.isEmpty()) {
            return 0;
        }
        int shared = 0;
        for (final String word : requested) {
            shared += described.contains(word) ? 1 : 0;
        }
        return 1 - (double) shared / Math.min(requested.size(), described.size());
    }

    /**
     * Content words, lower case, camelCase and snake_case split, a plural's "s" dropped. A word is a run of
     * letters and numbers ({@code \p{L}\p{N}}), broken where a lower-case letter meets an upper-case one.
     * Hand-written because it reads every user turn and every candidate's description of every sample, where
     * the regular expressions cost a third of scoring a sample.
     */
    static void words(final String text, final Set<String> into) {
        if (text == null) {
            return;
        }
        int start = -1;
        int previousType = -1;
        for (int i = 0; i < text.length(); ) {
            final int c = text.codePointAt(i);
            final int type = Character.getType(c);
            if (!isLetterOrNumber(type)) {
                addWord(text, start, i, into);
                start = -1;
            } else if (start < 0) {
                start = i;
            } else if (previousType == Character.LOWERCASE_LETTER && type == Character.UPPERCASE_LETTER) {
                addWord(text, start, i, into);
                start = i;
            }
            previousType = type;
            i += Character.charCount(c);
        }
        addWord(text, start, text.length(), into);
    }

    private static boolean isLetterOrNumber(final int type) {
        switch (type) {
            case Character.UPPERCASE_LETTER: case Character.LOWERCASE_LETTER: case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER: case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER: case Character.LETTER_NUMBER: case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }

    private static void addWord(final String text, final int start, final int end, final Set<String> into) {
        if (start < 0) {
            return;
        }
        final String word = text.substring(start, end).toLowerCase(Locale.ROOT);
        if (word.length() > 1 && !STOPWORDS.contains(word)) {
            into.add(word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")
                    ? word.substring(0, word.length() - 1) : word);
        }
    }
}
