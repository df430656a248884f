-- 政府督查工作条例第十七条: whoever made a conclusion stands aside from deciding the objection to
-- it, so an assessment records who published it; the appeal window runs from its first
-- publication, which a republication keeps.
alter table reform_assessment add column published_by bigint;
