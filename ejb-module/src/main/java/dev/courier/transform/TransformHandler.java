package dev.courier.transform;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code data.transform}: CSV to JSON or JSON to CSV, one row at a time, so a file of any size
 * needs little heap.
 *
 * <pre>{"from": "csv", "to": "json",
 *  "input": {"inline": "…"} | {"file": "in/orders.csv"},
 *  "output": {"file": "out/orders.json"}   (optional for inline input: the result holds the data)
 *  "mapping": [{"from": "Qty", "to": "quantity", "type": "int"}, {"to": "label", "expr": "${sku}-${size}"}],
 *  "onError": "skip" | "fail", "reportErrors": 10}</pre>
 *
 * JSON input is an array of flat objects. Files are under {@code courier.transform.dir}. A row that
 * does not convert is skipped and counted ({@code onError: skip}, the default; the first {@code
 * reportErrors} are reported with their line numbers) or fails the task for good ({@code fail}).
 * Progress is reported by rows, as a share of the input read.
 */
@ApplicationScoped
@TaskType("data.transform")
public class TransformHandler implements TaskHandler {

  private static final int MAX_INLINE_OUTPUT = 1 << 20;
  private static final int PROGRESS_EVERY = 10_000;

  @Inject
  @ConfigProperty(name = "courier.transform.dir")
  String dir;

  private record Error(long line, String message) {}

  /** What one run counted. */
  private static final class Counts {
    long rows;
    long written;
    long skipped;
    final List<Error> errors = new ArrayList<>();
  }

  @Override
  public JsonValue run(TaskContext task) throws IOException {
    JsonObject spec = task.payload();
    String from = spec.getString("from", "");
    String to = spec.getString("to", "");
    if (!(from.equals("csv") && to.equals("json")) && !(from.equals("json") && to.equals("csv"))) {
      throw TaskFailure.permanent(
          "converts csv to json or json to csv; got from '" + from + "' to '" + to + "'");
    }
    Mapping mapping = Mapping.of(spec.get("mapping"));
    boolean failFast = "fail".equals(spec.getString("onError", "skip"));
    int report = spec.getInt("reportErrors", 10);
    JsonObject input = spec.getJsonObject("input");
    if (input == null) {
      throw TaskFailure.permanent("'input' must be {\"inline\": \"…\"} or {\"file\": \"…\"}");
    }
    String outputFile =
        spec.containsKey("output") ? spec.getJsonObject("output").getString("file", null) : null;
    if (outputFile == null && input.containsKey("file")) {
      throw TaskFailure.permanent(
          "a file input needs an output file: \"output\": {\"file\": \"…\"}");
    }
    Counts counts = new Counts();
    Progress progress;
    Reader reader;
    if (input.containsKey("file")) {
      Path source = inside(input.getString("file"));
      if (!Files.isRegularFile(source)) {
        throw TaskFailure.permanent("no such file: " + input.getString("file"));
      }
      var counting = new CountingStream(Files.newInputStream(source));
      progress = new Progress(task, counting, Files.size(source));
      reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8), 1 << 16);
    } else {
      String text = input.getString("inline", "");
      progress = new Progress(task, null, text.length());
      reader = new StringReader(text);
    }
    StringWriter inline = outputFile == null ? new StringWriter() : null;
    Path target = outputFile == null ? null : inside(outputFile);
    if (target != null) {
      Files.createDirectories(target.getParent());
    }
    try (reader;
        Writer writer =
            target == null
                ? inline
                : new BufferedWriter(
                    Files.newBufferedWriter(target, StandardCharsets.UTF_8), 1 << 16)) {
      if (from.equals("csv")) {
        csvToJson(reader, writer, mapping, failFast, report, counts, progress);
      } else {
        jsonToCsv(reader, writer, mapping, failFast, report, counts, progress);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    task.progress(100, counts.rows + " rows");
    var result =
        JSON.createObjectBuilder()
            .add("rows", counts.rows)
            .add("written", counts.written)
            .add("skipped", counts.skipped);
    JsonArrayBuilder errors = JSON.createArrayBuilder();
    counts.errors.forEach(
        e ->
            errors.add(
                JSON.createObjectBuilder().add("line", e.line()).add("message", e.message())));
    result.add("errors", errors);
    if (target != null) {
      result.add("output", outputFile);
    } else if (inline.getBuffer().length() > MAX_INLINE_OUTPUT) {
      throw TaskFailure.permanent("the output is over 1 MiB; give an output file");
    } else if (to.equals("json")) {
      try (var parsed = JSON.createReader(new StringReader(inline.toString()))) {
        result.add("data", parsed.readValue());
      }
    } else {
      result.add("data", inline.toString());
    }
    return result.build();
  }

  private void csvToJson(
      Reader reader,
      Writer writer,
      Mapping mapping,
      boolean failFast,
      int report,
      Counts counts,
      Progress progress)
      throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(false).get();
    try (CSVParser csv = CSVParser.parse(reader, format);
        JsonGenerator json = JSON.createGenerator(writer)) {
      json.writeStartArray();
      for (CSVRecord record : csv) {
        counts.rows++;
        long line = record.getRecordNumber() + 1;
        Map<String, String> row;
        if (!record.isConsistent()) {
          bad(
              counts,
              line,
              "has " + record.size() + " fields, the header has " + csv.getHeaderNames().size(),
              failFast,
              report);
          continue;
        }
        row = record.toMap();
        try {
          Map<String, Object> out = mapping.apply(row);
          json.writeStartObject();
          out.forEach((name, value) -> write(json, name, value));
          json.writeEnd();
          counts.written++;
        } catch (Mapping.BadRow e) {
          bad(counts, line, e.getMessage(), failFast, report);
        }
        progress.row(counts.rows);
      }
      json.writeEnd();
    }
  }

  private void jsonToCsv(
      Reader reader,
      Writer writer,
      Mapping mapping,
      boolean failFast,
      int report,
      Counts counts,
      Progress progress)
      throws IOException {
    List<String> header = mapping.names();
    CSVPrinter printer = null;
    try (JsonParser json = JSON.createParser(reader)) {
      if (!json.hasNext() || json.next() != JsonParser.Event.START_ARRAY) {
        throw TaskFailure.permanent("the JSON input must be an array of objects");
      }
      while (json.hasNext()) {
        JsonParser.Event event = json.next();
        if (event == JsonParser.Event.END_ARRAY) {
          break;
        }
        counts.rows++;
        long item = counts.rows;
        if (event != JsonParser.Event.START_OBJECT) {
          json.skipObject();
          bad(counts, item, "is not an object", failFast, report);
          continue;
        }
        JsonObject object = json.getObject();
        Map<String, String> row = new LinkedHashMap<>();
        boolean flat = true;
        for (var entry : object.entrySet()) {
          JsonValue value = entry.getValue();
          switch (value.getValueType()) {
            case STRING -> row.put(entry.getKey(), ((jakarta.json.JsonString) value).getString());
            case NULL -> row.put(entry.getKey(), null);
            case OBJECT, ARRAY -> flat = false;
            default -> row.put(entry.getKey(), value.toString());
          }
        }
        if (!flat) {
          bad(counts, item, "has nested objects or arrays; CSV holds flat rows", failFast, report);
          continue;
        }
        try {
          Map<String, Object> out = mapping.apply(row);
          if (printer == null) {
            List<String> names = header != null ? header : new ArrayList<>(out.keySet());
            header = names;
            printer =
                CSVFormat.DEFAULT
                    .builder()
                    .setHeader(names.toArray(String[]::new))
                    .get()
                    .print(writer);
          }
          List<Object> values = new ArrayList<>();
          for (String name : header) {
            values.add(out.get(name));
          }
          printer.printRecord(values);
          counts.written++;
        } catch (Mapping.BadRow e) {
          bad(counts, item, e.getMessage(), failFast, report);
        }
        progress.row(counts.rows);
      }
    } catch (JsonParsingException e) {
      throw TaskFailure.permanent("the JSON input is malformed: " + e.getMessage());
    }
    if (printer != null) {
      printer.flush();
    }
  }

  private static void write(JsonGenerator json, String name, Object value) {
    if (value == null) {
      json.writeNull(name);
    } else if (value instanceof Integer i) {
      json.write(name, i);
    } else if (value instanceof Long l) {
      json.write(name, l);
    } else if (value instanceof BigDecimal d) {
      json.write(name, d);
    } else if (value instanceof Boolean b) {
      json.write(name, b);
    } else {
      json.write(name, value.toString());
    }
  }

  private static void bad(Counts counts, long line, String message, boolean failFast, int report) {
    if (failFast) {
      throw TaskFailure.permanent("row at line " + line + ": " + message);
    }
    counts.skipped++;
    if (counts.errors.size() < report) {
      counts.errors.add(new Error(line, message));
    }
  }

  private Path inside(String relative) {
    Path root = Path.of(dir).toAbsolutePath().normalize();
    Path file = root.resolve(relative).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw TaskFailure.permanent("the file must be inside the transform folder: " + relative);
    }
    return file;
  }

  /** Reports progress every so many rows, as the share of the input read. */
  private static final class Progress {
    private final TaskContext task;
    private final CountingStream counted;
    private final long size;

    Progress(TaskContext task, CountingStream counted, long size) {
      this.task = task;
      this.counted = counted;
      this.size = Math.max(1, size);
    }

    void row(long rows) {
      if (rows % PROGRESS_EVERY == 0) {
        long read = counted == null ? size : counted.count;
        task.progress((int) Math.min(99, read * 100 / size), rows + " rows");
      }
    }
  }

  /** Counts the bytes read, for progress. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
