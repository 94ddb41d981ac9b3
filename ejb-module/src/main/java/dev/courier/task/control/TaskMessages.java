package dev.courier.task.control;

/** Names shared by everything that sends, receives or inspects task messages. */
public final class TaskMessages {

  /** The default queue's address; a client may send any task here and Courier routes it. */
  public static final String QUEUE = "courier.tasks";

  /** Set by Courier on messages for tasks it has stored; a client's submission has none. */
  public static final String TASK_ID = "courier_task_id";

  /** The task's type, so that a consumer can apply the type's policy before it reads the store. */
  public static final String TASK_TYPE = "courier_task_type";

  /**
   * The start slot (epoch milliseconds) the rate limiter gave this task; a message that comes back
   * on time runs without asking the limiter again.
   */
  public static final String RATE_SLOT = "courier_rate_slot";

  /** Who submitted a stored task (an API user), so that a delivery can store its row itself. */
  public static final String OWNER = "courier_owner";

  /** When a stored task was submitted (epoch milliseconds), likewise. */
  public static final String CREATED_AT = "courier_created_at";

  /** Why Courier dead-lettered a message itself instead of running it. */
  public static final String DEAD_REASON = "courier_dead_reason";

  public static final String ORIGINAL_QUEUE = "courier_original_queue";
  public static final String ORIGINAL_MESSAGE_ID = "courier_original_message_id";

  /**
   * The broker's marks on a dead letter (or an expired message) of where it was; a message that
   * carries them back on a task queue was retried from a dead-letter queue.
   */
  public static final String BROKER_ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";

  public static final String BROKER_ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";
  public static final String CONNECTION_FACTORY = "java:app/jms/courier";

  /** Multicast address on which instances tell each other to cancel running tasks. */
  public static final String CONTROL_TOPIC = "courier.control";

  /** JMS message groups: messages with one value are consumed one at a time, in order. */
  public static final String GROUP = "JMSXGroupID";

  /** Artemis duplicate detection: the broker drops a second message with the same value. */
  public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

  private TaskMessages() {}
}
