package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.records.DialogDraft;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * The simulated user of one dialog: a speaking style kept across the dialog, whether requests are
 * phrased indirectly, and how much the user asks for. It follows the planner's {@code userInstruction}
 * (complexity feedback such as "be less literal", "ask for more", "keep it simple", or a named style)
 * and the draft's complexity target; what the instruction leaves open is drawn from the dialog seed.
 *
 * @param optionalShare probability that an optional parameter is given a value by the user
 * @param parallelCalls calls in one parallel request (2 or 3)
 */
record Persona(Style style, boolean indirect, double optionalShare, int parallelCalls) {

    enum Style { FORMAL, CASUAL, TERSE, DETAILED }

    private static final Pattern INDIRECT = Pattern.compile("\\b(less literal|indirect\\w*|implicit\\w*|vague\\w*)\\b");
    private static final Pattern RICHER = Pattern.compile("\\b(ask for more|more (apis|tools|parameters|details|calls)|harder|more complex)\\b");
    private static final Pattern SIMPLER = Pattern.compile("\\b(simpl\\w*|easier|fewer|more direct|less complex)\\b");

    static Persona of(final DialogDraft draft, final SplittableRandom rnd) {
        final String instruction = draft.getUserInstruction() == null ? ""
                : draft.getUserInstruction().toLowerCase(Locale.ROOT);
        final boolean richer = RICHER.matcher(instruction).find();
        final boolean simpler = SIMPLER.matcher(instruction).find();
        final double complexity = Math.min(1, Math.max(0, draft.getComplexity()));
        final double share = Math.min(1, Math.max(0,
                0.15 + 0.6 * complexity + (richer ? 0.3 : 0) - (simpler ? 0.3 : 0)));
        final int calls = richer ? 3 : simpler ? 2 : rnd.nextDouble() < complexity ? 3 : 2;
        return new Persona(style(instruction, simpler, rnd), INDIRECT.matcher(instruction).find(), share, calls);
    }

    private static Style style(final String instruction, final boolean simpler, final SplittableRandom rnd) {
        for (final Style s : Style.values()) {
            if (instruction.contains(s.name().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        if (instruction.contains("brief") || instruction.contains("short") || simpler) {
            return Style.TERSE;
        }
        if (instruction.contains("verbose")) {
            return Style.DETAILED;
        }
        final Style[] all = Style.values();
        return all[rnd.nextInt(all.length)];
    }
}
