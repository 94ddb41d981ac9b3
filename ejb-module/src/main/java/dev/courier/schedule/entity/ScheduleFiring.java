package dev.courier.schedule.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One firing of a schedule, claimed by the instance that ran it. The primary key (schedule, fire
 * time) is what makes a firing happen once when several instances share the database.
 */
@Entity
@Table(name = "COURIER_SCHEDULE_FIRING")
@IdClass(ScheduleFiring.Key.class)
public class ScheduleFiring {

  /** The primary key; JPA wants a class with a no-argument constructor here, not a record. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String schedule;
    private Instant fireTime;

    public Key() {}

    public Key(String schedule, Instant fireTime) {
      this.schedule = schedule;
      this.fireTime = fireTime;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && Objects.equals(schedule, key.schedule)
          && Objects.equals(fireTime, key.fireTime);
    }

    @Override
    public int hashCode() {
      return Objects.hash(schedule, fireTime);
    }
  }

  @Id
  @Column(length = 100)
  private String schedule;

  @Id private Instant fireTime;

  /** The task the firing created; null when it was skipped (overlap). */
  @Column(length = 36)
  private String taskId;

  @Column(nullable = false)
  private Instant claimedAt;

  protected ScheduleFiring() {}

  public ScheduleFiring(String schedule, Instant fireTime, String taskId, Instant claimedAt) {
    this.schedule = schedule;
    this.fireTime = fireTime;
    this.taskId = taskId;
    this.claimedAt = claimedAt;
  }
}
