package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExchangesTest {

    @Test
    void decodesQueryStrings() {
        assertEquals(Map.of(), Exchanges.query(null));
        assertEquals(Map.of("channels", "DNA,GFP", "fileName", "a b.tif", "flag", ""),
            Exchanges.query("channels=DNA%2CGFP&fileName=a+b.tif&flag&&channels=ignored"));
    }

    @Test
    void badEscapeIsABadRequest() {
        final HttpFailure e = assertThrows(HttpFailure.class, () -> Exchanges.query("fileName=%zz"));
        assertEquals(400, e.status());
    }
}
