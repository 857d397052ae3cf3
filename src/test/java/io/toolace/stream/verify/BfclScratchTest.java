package io.toolace.stream.verify;

import io.toolace.stream.format.BfclCorpus;
import org.junit.jupiter.api.Test;

class BfclScratchTest {
    @Test
    void dump() {
        final RuleVerifier v = new RuleVerifier(RuleConfig.DEFAULTS);
        for (String cat : BfclCorpus.ANSWERED) {
            int fail = 0; var cases = BfclCorpus.answered(cat);
            for (var c : cases) {
                var f = v.verify(c.sample());
                if (!f.isEmpty()) { fail++; System.out.println(cat + " " + c.id() + " " + f); }
            }
            System.out.println("SUMMARY " + cat + " " + (cases.size() - fail) + "/" + cases.size());
        }
        for (String cat : java.util.List.of("irrelevance")) {
            for (var t : BfclCorpus.tools(cat)) { var f = ApiRules.check(t); if (!f.isEmpty()) System.out.println(cat + " " + f); }
        }
    }
}
