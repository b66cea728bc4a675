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
