package io.phenostream.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A harness's command line: {@code --flag} switches and {@code --name value} pairs. Every harness reads its options
 * through this class, so an unknown name, a missing value or a value that is not a number fails the same way: naming
 * the option and printing the harness's usage line.
 */
final class HarnessArgs {

    private final Map<String, String> values;
    private final Set<String> flags;
    private final String usage;

    private HarnessArgs(final Map<String, String> values, final Set<String> flags, final String usage) {
        this.values = values;
        this.flags = flags;
        this.usage = usage;
    }

    /**
     * @param flagNames  options that take no value
     * @param valueNames options followed by a value
     */
    static HarnessArgs parse(final String[] args, final Set<String> flagNames, final Set<String> valueNames,
                             final String usage) {
        final Map<String, String> values = new LinkedHashMap<>();
        final Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            final String name = args[i];
            if (flagNames.contains(name)) {
                flags.add(name);
            } else if (valueNames.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option " + name + " needs a value; " + usage);
                }
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("Unknown option " + name + "; " + usage);
            }
        }
        return new HarnessArgs(values, flags, usage);
    }

    boolean has(final String flag) {
        return flags.contains(flag);
    }

    String string(final String name, final String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    Path path(final String name, final Path otherwise) {
        final String v = values.get(name);
        return v == null ? otherwise : Path.of(v);
    }

    int intValue(final String name, final int otherwise) {
        final String v = values.get(name);
        return v == null ? otherwise : parseInt(name, v);
    }

    long longValue(final String name, final long otherwise) {
        final String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (final NumberFormatException e) {
            throw notA("an integer", name, v);
        }
    }

    double doubleValue(final String name, final double otherwise) {
        final String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (final NumberFormatException e) {
            throw notA("a number", name, v);
        }
    }

    /** A comma-separated list of integers, such as {@code --threads 1,2}. */
    List<Integer> intList(final String name, final List<Integer> otherwise) {
        final String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        final List<Integer> out = new ArrayList<>();
        for (final String part : v.split(",")) {
            out.add(parseInt(name, part));
        }
        return out;
    }

    private int parseInt(final String name, final String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (final NumberFormatException e) {
            throw notA("an integer", name, value);
        }
    }

    private IllegalArgumentException notA(final String what, final String name, final String value) {
        return new IllegalArgumentException("Option " + name + " needs " + what + ", got '" + value + "'; " + usage);
    }
}
