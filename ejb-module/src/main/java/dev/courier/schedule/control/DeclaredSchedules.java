package dev.courier.schedule.control;

import static dev.courier.json.Jsons.JSON;

import dev.courier.json.Jsons;
import dev.courier.schedule.entity.InvalidSchedule;
import dev.courier.schedule.entity.ScheduleRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;

/**
 * Schedules declared in MicroProfile Config, for jobs that ship with a deployment:
 *
 * <pre>
 * courier.schedules.nightly-report.cron=0 2 * * *
 * courier.schedules.nightly-report.timezone=Europe/Paris
 * courier.schedules.nightly-report.task={"type":"report.render","payload":{"kind":"daily"}}
 * courier.schedules.nightly-report.misfire=run-once
 * courier.schedules.nightly-report.overlap=skip
 * </pre>
 *
 * A declaration that is not valid stops the deployment with the reason, rather than running without
 * the job.
 */
@ApplicationScoped
public class DeclaredSchedules {

  private static final String PREFIX = "courier.schedules.";
  private static final String CRON = ".cron";

  @Inject Config config;

  public void forEach(Consumer<ScheduleRequest> action) {
    read().forEach(action);
  }

  List<ScheduleRequest> read() {
    List<ScheduleRequest> requests = new ArrayList<>();
    for (String property : config.getPropertyNames()) {
      if (property.startsWith(PREFIX) && property.endsWith(CRON)) {
        String name = property.substring(PREFIX.length(), property.length() - CRON.length());
        requests.add(declaration(name));
      }
    }
    return requests;
  }

  private ScheduleRequest declaration(String name) {
    String prefix = PREFIX + name + ".";
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("name", name)
            .add("cron", config.getValue(prefix + "cron", String.class));
    config
        .getOptionalValue(prefix + "timezone", String.class)
        .ifPresent(v -> json.add("timezone", v));
    config
        .getOptionalValue(prefix + "misfire", String.class)
        .ifPresent(v -> json.add("misfire", v));
    config
        .getOptionalValue(prefix + "overlap", String.class)
        .ifPresent(v -> json.add("overlap", v));
    String task =
        config
            .getOptionalValue(prefix + "task", String.class)
            .orElseThrow(() -> new InvalidSchedule(prefix + "task is missing"));
    try {
      json.add("task", Jsons.parse(task));
    } catch (jakarta.json.JsonException e) {
      throw new InvalidSchedule(prefix + "task is not valid JSON: " + e.getMessage());
    }
    try {
      return ScheduleRequest.parse(json.build().toString());
    } catch (InvalidSchedule e) {
      throw new InvalidSchedule("schedule '" + name + "' in configuration: " + e.getMessage());
    }
  }
}
