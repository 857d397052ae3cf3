package io.toolace.stream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.Character.UnicodeScript;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The two text scanners the rule layer's speed rests on, against their obvious slow versions. */
class TextSearchTest {

    @Property(tries = 2000)
    void phraseSearchAgreesWithLowerCaseContains(@ForAll("texts") final String text, @ForAll("phrases") final String phrase) {
        final boolean expected = lower(text).contains(lower(phrase));

        assertThat(new CaseInsensitivePhrases(List.of(phrase)).isIn(text)).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void oneSearchForSeveralPhrasesAgreesWithLowerCaseContainsAny(@ForAll("texts") final String text,
            @ForAll("phrases") final String first, @ForAll("phrases") final String second, @ForAll("phrases") final String third) {
        final List<String> phrases = List.of(first, second, third);
        final boolean expected = phrases.stream().anyMatch(phrase -> lower(text).contains(lower(phrase)));

        assertThat(new CaseInsensitivePhrases(phrases).isIn(text)).isEqualTo(expected);
    }

    @Example
    void findsTheToolAceMarkerInAnyCase() {
        final CaseInsensitivePhrases marker = new CaseInsensitivePhrases(List.of("no other text"));

        assertThat(marker.isIn("...\n\nNO other text MUST be included. \n")).isTrue();
        assertThat(marker.isIn("No Other Text")).isTrue();
        assertThat(marker.isIn("no other tex")).isFalse();
    }

    @Property(tries = 1000)
    void scanCountsLettersAndFindsTheFirstInvalidChar(@ForAll("texts") final String text) {
        final TextScan scan = new TextScan();
        scan.scan(text);

        int letters = 0;
        int invalid = -1;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            final boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            final int cp = pair ? text.codePointAt(i) : c;
            if (invalid < 0 && !pair && isInvalid(c)) {
                invalid = i;
            }
            if (!isInvalid(c) || pair) {
                letters += Character.isLetter(cp) ? 1 : 0;
            }
            if (pair) {
                i++;
            }
        }
        assertThat(scan.letters()).isEqualTo(letters);
        assertThat(scan.invalidAt()).isEqualTo(invalid);
        scan.scanChars(text);
        assertThat(scan.invalidAt()).isEqualTo(invalid);
    }

    @Example
    void groupsJapaneseScriptsAndRanksWritingSystems() {
        final TextScan scan = new TextScan();

        scan.scan("東京の天気はどうですか？ Tokyo");

        assertThat(scan.dominant()).isEqualTo(UnicodeScript.HAN);
        assertThat(scan.second()).isEqualTo(UnicodeScript.LATIN);
        assertThat(scan.secondCount()).isEqualTo(5);
        scan.scan("Ｆｕｌｌｗｉｄｔｈ 𝐁𝐨𝐥𝐝");
        assertThat(scan.letters()).isEqualTo(13);
        assertThat(scan.invalidAt()).isEqualTo(-1);
    }

    private static boolean isInvalid(final char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)
                || c == 0xFFFD || c == 0xFEFF || c == 0xFFFE || c == 0xFFFF;
    }

    private static String lower(final String s) {
        final StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(Character.toLowerCase((char) c)));
        return out.toString();
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcABC noNOtTeExX\n\t").ofMaxLength(60),
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("aZ éÉ東ｆ\u0000\u0085\uD835\uDC01\uFFFD\uFEFF\u007f").ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> phrases() {
        return Arbitraries.strings().withChars("abcABC noNOtTeExXé").ofMinLength(1).ofMaxLength(5);
    }
}
