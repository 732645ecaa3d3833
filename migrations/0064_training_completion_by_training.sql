-- A training's page lists its latest completions (literacy::training::completions): an index on the training
-- and the date gives the top 50 without reading every completion of the training (one per member for a
-- training required of everyone). It also serves the foreign key's `on delete cascade` when a training goes.
create index training_completion_training_idx on training_completion (training_id, completed_on desc);
