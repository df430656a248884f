//! The process engine of Fangguanfu: BPMN 2.0 approval flows as a pure state machine.
//!
//! Commands go in (`exec::apply`), events come out, and the new instance state is plain
//! serialisable data the store persists in the same transaction as the events, work items
//! and timers. Nothing here does I/O or reads a clock: time arrives with each command, the
//! calendar and service handlers arrive in the `Registry`.

pub mod bpmn;
pub mod designer;
pub mod diagram;
pub mod exec;
pub mod expr;
pub mod model;
mod ops;
pub mod simulate;
pub mod timer;
pub mod validate;
mod xml;

pub use bpmn::{import, ImportProblem};
pub use exec::{apply, Command, EngineError, Event, Instance, Registry, Status, Vars};
pub use model::Definition;
pub use simulate::{simulate, SimOptions, SimResult};
pub use validate::{check, Problem};
