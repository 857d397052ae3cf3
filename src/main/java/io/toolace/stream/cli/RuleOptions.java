package io.toolace.stream.cli;

import io.toolace.stream.verify.Rule;
import io.toolace.stream.verify.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The rule layer's settings, for {@code verify} (a file) and {@code replay} (a topic range). */
public final class RuleOptions {

    @Option(names = "--disable", split = ",", paramLabel = "RULE", converter = RuleConverter.class,
            description = "rule ids not to check")
    List<Rule> disabled = new ArrayList<>();

    @Option(names = "--max-turn-chars", paramLabel = "N", description = "longest allowed turn text (default: ${DEFAULT-VALUE})")
    int maxTurnChars = RuleConfig.DEFAULTS.maxTurnChars();

    @Option(names = "--max-turns", paramLabel = "N", description = "most turns per dialog (default: ${DEFAULT-VALUE})")
    int maxTurns = RuleConfig.DEFAULTS.maxTurns();

    /** The settings; an impossible one (a rule that cannot be disabled, a limit below 1) throws. */
    RuleConfig config() {
        return RuleConfig.DEFAULTS.withDisabled(disabled).withMaxTurnChars(maxTurnChars).withMaxTurns(maxTurns);
    }

    static final class RuleConverter implements CommandLine.ITypeConverter<Rule> {
        @Override
        public Rule convert(final String value) {
            try {
                return Rule.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown rule '" + value + "'; see verify --help for the catalogue");
            }
        }
    }
}
