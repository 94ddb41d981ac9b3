package dev.courier.schedule.entity;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.entity.TaskRequest;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.StringReader;
import java.time.Instant;

/** A recurring task: a cron expression in a time zone, and the task each firing creates. */
@Entity
@Table(name = "COURIER_SCHEDULE")
@NamedQuery(name = Schedule.ALL, query = "select s from Schedule s order by s.name")
public class Schedule {

  public static final String ALL = "Schedule.all";

  @Id
  @Column(length = 100)
  private String name;

  @Column(nullable = false, length = 200)
  private String cron;

  @Column(nullable = false, length = 64)
  private String timezone;

  @Lob
  @Column(nullable = false)
  private String task;

  private boolean enabled;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 20)
  private Misfire misfire;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 20)
  private Overlap overlap;

  /** Grows with every change of definition or state, so that each instance re-arms its timer. */
  private long revision;

  @Column(nullable = false)
  private Instant createdAt;

  /** Firings at or before this instant are done with (run, skipped, or before a resume). */
  private Instant firedUpTo;

  private Instant lastFireTime;

  @Column(length = 36)
  private String lastTaskId;

  protected Schedule() {}

  public static Schedule of(ScheduleRequest request, Instant now) {
    var schedule = new Schedule();
    schedule.name = request.name();
    schedule.createdAt = now;
    schedule.define(request, now);
    return schedule;
  }

  /** (Re)defines the schedule; it fires from {@code now} on, without making up earlier firings. */
  public void define(ScheduleRequest request, Instant now) {
    firedUpTo = now;
    cron = request.cron().expression();
    timezone = request.cron().zone().getId();
    task = request.task().toJson().toString();
    enabled = request.enabled();
    misfire = request.misfire();
    overlap = request.overlap();
    revision++;
  }

  public boolean isDefinedAs(ScheduleRequest request) {
    return cron.equals(request.cron().expression())
        && timezone.equals(request.cron().zone().getId())
        && task.equals(request.task().toJson().toString())
        && misfire == request.misfire()
        && overlap == request.overlap();
  }

  /** Pauses or resumes; a resumed schedule fires from {@code now} on, skipping the paused time. */
  public void enable(boolean enabled, Instant now) {
    if (this.enabled != enabled) {
      this.enabled = enabled;
      revision++;
      if (enabled) {
        firedUpTo = now;
      }
    }
  }

  /** A firing created the task {@code taskId}. */
  public void fired(Instant fireTime, String taskId) {
    firedUpTo = fireTime;
    lastFireTime = fireTime;
    lastTaskId = taskId;
  }

  /** Firings up to {@code time} were skipped (misfire or overlap policy); none ran. */
  public void skippedUpTo(Instant time) {
    firedUpTo = time;
  }

  public Cron cronExpression() {
    return Cron.parse(cron, timezone);
  }

  public TaskRequest taskRequest() {
    try (var reader = JSON.createReader(new StringReader(task))) {
      return TaskRequest.of(reader.readObject());
    }
  }

  /** The firings before this instant that no instance ran are missed ones. */
  public Instant firedUpTo() {
    return firedUpTo;
  }

  public JsonObjectBuilder toJson(Instant now) {
    JsonArrayBuilder next = JSON.createArrayBuilder();
    if (enabled) {
      cronExpression().next(now, 5).forEach(time -> next.add(time.toString()));
    }
    JsonObject taskJson = taskRequest().toJson();
    return JSON.createObjectBuilder()
        .add("name", name)
        .add("cron", cron)
        .add("timezone", timezone)
        .add(
            "task",
            JSON.createObjectBuilder()
                .add("type", taskJson.getString("type"))
                .add("payload", taskJson.getJsonObject("payload"))
                .add("priority", taskJson.getInt("priority")))
        .add("enabled", enabled)
        .add("misfire", misfire.json())
        .add("overlap", overlap.json())
        .add("createdAt", createdAt.toString())
        .add("nextFireTimes", next);
  }

  public String name() {
    return name;
  }

  public boolean enabled() {
    return enabled;
  }

  public Misfire misfire() {
    return misfire;
  }

  public Overlap overlap() {
    return overlap;
  }

  public long revision() {
    return revision;
  }

  public Instant lastFireTime() {
    return lastFireTime;
  }

  public String lastTaskId() {
    return lastTaskId;
  }
}
