//! Risk: the organisation's own level (laag / middel / hoog). The EU AI Act profile follows with the
//! decision aid.

pub mod own_level;
