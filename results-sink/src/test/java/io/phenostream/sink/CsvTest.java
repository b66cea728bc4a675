package io.phenostream.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesOnlyWhatNeedsIt() {
        assertEquals("plain", Csv.text("plain"));
        assertEquals("\"a,b\"", Csv.text("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.text("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.text("two\nlines"));
        assertEquals("\" padded\"", Csv.text(" padded"));
        assertEquals("", Csv.text(null));
    }

    /** CSV injection: what a spreadsheet would run as a formula opens as text; numbers and plain names are as-is. */
    @Test
    void formulasAreDefused() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", Csv.text("=HYPERLINK(\"http://x\")"));
        assertEquals("'+cmd|' /C calc'!A0", Csv.text("+cmd|' /C calc'!A0"));
        assertEquals("'@SUM(A1:A9)", Csv.text("@SUM(A1:A9)"));
        assertEquals("'-2+3", Csv.text("-2+3"));
        assertEquals("'\tTAB", Csv.text("\tTAB"));
        assertEquals("-1.5", Csv.text("-1.5"), "a negative number stays a number");
        assertEquals("+3", Csv.text("+3"));
        assertEquals("(-)-epicatechin", Csv.text("(-)-epicatechin"));
        assertEquals("CPD-001", Csv.text("CPD-001"));
    }

    @Test
    void numbersRoundTrip() {
        assertEquals("", Csv.number(null));
        assertEquals("", Csv.number(Double.NaN));
        assertEquals("1.0E-7", Csv.number(1.0E-7));
        assertEquals(0.1 + 0.2, Double.parseDouble(Csv.number(0.1 + 0.2)));
    }

    @Test
    void readerReadsWhatWriterWrites() {
        final List<String> fields = List.of("x,y", "q\"uote", "", "multi\nline", "end");
        final String line = Csv.line(fields.stream().map(Csv::text).toList());
        assertEquals(List.of(fields), CsvReader.parse(line));
    }
}
