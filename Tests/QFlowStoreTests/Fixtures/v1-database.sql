-- A QualityFlow database as written by schema migration v1 (2026-11-29), dumped with Python's sqlite3
-- iterdump(). Frozen: tests open it with the current code, which must migrate it forward unchanged.
PRAGMA application_id = 1363569783;
CREATE TABLE answer (
    run_id      TEXT NOT NULL,
    item        TEXT NOT NULL,
    phase       TEXT NOT NULL,
    status      TEXT NOT NULL,
    value       TEXT,
    number      REAL,
    outcome     TEXT,
    why         TEXT,
    critical    INTEGER NOT NULL,
    revisions   INTEGER NOT NULL,
    answered_at TEXT,
    actor       TEXT,
    role        TEXT,
    PRIMARY KEY (run_id, item)
);
INSERT INTO "answer" VALUES('R000001','cnt.baseline','baseline','answered','40',40.0,'pass',NULL,1,0,'2026-03-01T23:40:00.000Z','n-042','circulating_nurse');
INSERT INTO "answer" VALUES('R000001','cnt.added','intraop','answered','5',5.0,'pass',NULL,0,0,'2026-11-29T15:56:11.446Z','n-042','circulating_nurse');
INSERT INTO "answer" VALUES('R000001','cnt.cavity_needed','intraop','answered','no',NULL,'pass',NULL,0,0,'2026-11-29T15:56:11.511Z','n-042','circulating_nurse');
INSERT INTO "answer" VALUES('R000001','cnt.relief_needed','intraop','answered','no',NULL,'pass',NULL,0,0,'2026-03-02T01:00:00.000Z','n-042','circulating_nurse');
INSERT INTO "answer" VALUES('R000001','cnt.closure_start','closure','answered','45',45.0,'pass',NULL,1,0,'2026-03-02T01:30:00.000Z','n-042','circulating_nurse');
INSERT INTO "answer" VALUES('R000001','cnt.skin','closure','answered','44',44.0,'fail','rule not met: cnt.skin == cnt.baseline + cnt.added',1,0,'2026-03-02T01:40:00.000Z','n-042','circulating_nurse');
CREATE TABLE deadline (
    run_id      TEXT NOT NULL,
    item        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    escalate_to TEXT,
    PRIMARY KEY (run_id, item)
);
INSERT INTO "deadline" VALUES('R000003','cnt.baseline','2026-03-02T02:00:00.000Z','circulating_nurse');
CREATE TABLE event (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    workstation TEXT,
    payload     TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (run_id, seq)
);
INSERT INTO "event" VALUES(1,'R000001',1,'started','2026-03-01T23:30:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-01T23:30:00.000Z","change":{"started":{"_0":{"attempt":1,"protocolId":"surgical_counts","runId":"R000001","specHash":"40fdcaac4f8a1523f3ff5d2ab0dc08901123e8d63ffcb794ac854d171fbbcff7","subjectId":"C2026-0001","version":1}}}}','6758461bf3281d27981eca3515a6f00c1ff15346e5d3ce02637cb3a760443b96');
INSERT INTO "event" VALUES(2,'R000001',2,'recorded','2026-03-01T23:40:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-01T23:40:00.000Z","change":{"recorded":{"item":"cnt.baseline","value":{"count":{"_0":40}}}}}','0e8edf633be81305ec7e8e295498e82108c41144e71829f091b9ff6f83692237');
INSERT INTO "event" VALUES(3,'R000001',3,'recorded','2026-11-29T15:56:11.446Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-11-29T15:56:11.446Z","change":{"recorded":{"item":"cnt.added","value":{"count":{"_0":5}}}}}','59f1949053a212e6f62e78719e3dc054364e809d8aaf86aaf26f4ba947c5d546');
INSERT INTO "event" VALUES(4,'R000001',4,'recorded','2026-11-29T15:56:11.511Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-11-29T15:56:11.511Z","change":{"recorded":{"item":"cnt.cavity_needed","value":{"check":{"_0":false}}}}}','b42bd9d4ade8313fa20d11082afde215df57b02b8f12db2b1cd25a67c4169947');
INSERT INTO "event" VALUES(5,'R000001',5,'recorded','2026-03-02T01:00:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:00:00.000Z","change":{"recorded":{"item":"cnt.relief_needed","value":{"check":{"_0":false}}}}}','0375c57b928c0683ecb21eb21bab4fe3ffa983fc25f62a08c26a082cb87a2722');
INSERT INTO "event" VALUES(6,'R000001',6,'recorded','2026-03-02T01:30:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:30:00.000Z","change":{"recorded":{"item":"cnt.closure_start","value":{"count":{"_0":45}}}}}','1881da7a5662e00114740dc8ab624caca98a05a691c788f8a8789703e8fe294f');
INSERT INTO "event" VALUES(7,'R000001',7,'recorded','2026-03-02T01:40:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:40:00.000Z","change":{"recorded":{"item":"cnt.skin","value":{"count":{"_0":44}}}}}','98d00717fdbdc3a9b8133aba50262f6e79512a2c8bbed5e9724999c683b2d8c9');
INSERT INTO "event" VALUES(8,'R000001',8,'triggered','2026-03-02T01:40:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:40:00.000Z","change":{"triggered":{"protocolId":"count_discrepancy","trigger":"discrepancy"}}}','aba299b56564080600499ff16dce5c88d96c00731e8f08f4fed9b9fb5dada824');
INSERT INTO "event" VALUES(9,'R000002',1,'started','2026-03-02T01:40:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:40:00.000Z","change":{"started":{"_0":{"attempt":1,"protocolId":"count_discrepancy","runId":"R000002","specHash":"db357d0d30fb6afbb03f438ea4b8e7de693e51a7937aa6259d10a331be96aa44","subjectId":"C2026-0001","triggeredBy":{"run":"R000001","trigger":"discrepancy"},"version":1}}},"reason":"triggered by R000001 (discrepancy)"}','55821cdb68c4ac504040363f5cc1d0f422c759178fea100393180746c0c65f61');
INSERT INTO "event" VALUES(10,'R000003',1,'started','2026-03-02T01:00:00.000Z','n-042','circulating_nurse','OR3','{"actor":{"id":"n-042","role":"circulating_nurse","workstation":"OR3"},"at":"2026-03-02T01:00:00.000Z","change":{"started":{"_0":{"attempt":1,"protocolId":"surgical_counts","runId":"R000003","specHash":"40fdcaac4f8a1523f3ff5d2ab0dc08901123e8d63ffcb794ac854d171fbbcff7","subjectId":"C2026-0002","version":1}}}}','a1df8d47d76e1cce1b72bbf203639d33823ba36a79e2a2a5f956678f107b6bd9');
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO "grdb_migrations" VALUES('v1');
CREATE TABLE protocol_version (
    protocol_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    title_zh     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    definition   TEXT NOT NULL,
    source_file  TEXT,
    published_at TEXT NOT NULL,
    PRIMARY KEY (protocol_id, version)
);
INSERT INTO "protocol_version" VALUES('count_discrepancy',1,'auxiliary','surgical-case','清点不符处理','Count discrepancy','db357d0d30fb6afbb03f438ea4b8e7de693e51a7937aa6259d10a331be96aa44','{"id":"count_discrepancy","kind":"auxiliary","phases":[{"id":"search","items":[{"allowsNotApplicable":false,"critical":true,"guidance":{"en":"The surgeon pauses as appropriate and takes part in the search.","zh":"医师视情况暂停操作并参与查找。"},"id":"disc.notify","required":true,"roles":["circulating_nurse"],"source":"ORNAC/AORN summary","title":{"en":"Surgeon notified immediately","zh":"已立即通知手术医师"},"type":{"check":{}}},{"allowsNotApplicable":false,"critical":true,"guidance":{"en":"Search in a set order (field and wound, back table and Mayo stand, floor, linen, sponge buckets and waste bags), then do a complete recount.","zh":"按规范顺序查找术野和切口、器械台与托盘、地面、布类、敷料桶及垃圾袋，然后重新完整清点一次。"},"id":"disc.search","required":true,"roles":[],"source":"AORN RSI 2010","title":{"en":"Field, wound, floor, linen and waste searched; recounted","zh":"已查找术野、切口、地面、布类及垃圾并重新清点"},"type":{"check":{}}},{"allowsNotApplicable":false,"critical":false,"guidance":{"en":"A found item is returned to the count area; closure continues only when the recount reconciles.","zh":"找到后放回清点区域，清点数核对一致后方可继续关闭切口。"},"id":"disc.found","passIf":"true","required":true,"roles":[],"source":"AORN RSI 2010","title":{"en":"Was the missing item found?","zh":"是否找到缺失物品"},"type":{"check":{}}}],"title":{"en":"Notify and search","zh":"通知与查找"}},{"id":"imaging","items":[{"allowsNotApplicable":false,"critical":false,"guidance":{"en":"If the item is not found, take an intra-operative X-ray before the patient leaves the OR, if the patient''s condition permits; if the item is seen, retrieve it and recount. The same applies to an emergency case that had no baseline count.","zh":"未找到物品时，在患者病情允许下于离开手术室前摄片；见到物品则取出后重新清点。急诊未做术前清点的病例同样适用。"},"id":"disc.xray","required":true,"roles":[],"showIf":"not disc.found","source":"AORN RSI 2010","title":{"en":"Intra-operative X-ray before the patient leaves the OR","zh":"患者离室前术中X线检查结果"},"type":{"choice":{"options":[{"id":"item_seen","label":{"en":"Item seen","zh":"发现物品"}},{"id":"not_seen","label":{"en":"No item seen","zh":"未见物品"}},{"id":"declined","label":{"en":"Declined by the surgeon","zh":"医师拒绝摄片"}}]}}},{"allowsNotApplicable":false,"critical":true,"id":"disc.incident","required":true,"roles":[],"showIf":"disc.xray == \"declined\"","source":"AORN RSI 2010","title":{"en":"Safety / incident report raised","zh":"已提交不良事件报告"},"type":{"check":{}}}],"title":{"en":"Imaging","zh":"影像"}},{"id":"close","items":[{"allowsNotApplicable":false,"critical":true,"guidance":{"en":"Record every count, the search, the imaging result and who took part; inform the patient as soon as feasible; the information is never withheld.","zh":"记录每一次清点、查找经过、影像结果及参与人员；尽早告知患者，不得隐瞒。"},"id":"disc.document","required":true,"roles":[],"source":"LSU legal note; AORN RSI 2010","title":{"en":"Search, result and people involved documented","zh":"查找经过、结果及参与人员已记录"},"type":{"text":{}}},{"allowsNotApplicable":false,"critical":false,"id":"disc.sign","required":true,"roles":[],"source":"AORN counts (count documentation signed per policy)","title":{"en":"Signed","zh":"签名确认"},"type":{"signature":{"signers":["circulating_nurse","surgeon"]}}}],"title":{"en":"Document","zh":"记录"}}],"roles":[{"id":"circulating_nurse","title":{"en":"Circulating nurse","zh":"巡回护士"}},{"id":"scrub_nurse","title":{"en":"Scrub nurse","zh":"洗手护士"}},{"id":"surgeon","title":{"en":"Surgeon","zh":"手术医师"}},{"id":"head_nurse","title":{"en":"Head nurse","zh":"护士长"}}],"source":"AORN Prevention of Retained Surgical Items (2010)","subject":"surgical-case","subjectFields":[],"title":{"en":"Count discrepancy","zh":"清点不符处理"},"triggers":[],"version":1}','/work/main/Protocols/count_discrepancy.yaml','2026-11-29T15:56:11.193Z');
INSERT INTO "protocol_version" VALUES('surgical_counts',1,'core','surgical-case','手术物品清点','Surgical counts','40fdcaac4f8a1523f3ff5d2ab0dc08901123e8d63ffcb794ac854d171fbbcff7','{"id":"surgical_counts","kind":"core","phases":[{"id":"baseline","items":[{"allowsNotApplicable":false,"critical":true,"deadline":{"anchor":{"subjectField":{"_0":"scheduled_start"}},"before":true,"escalateTo":"circulating_nurse","offset":{"seconds":0,"text":"PT0M"}},"guidance":{"en":"The scrub person and the circulator count together, audibly; the circulator records each number. Packaged items are counted in the number they are packaged in.","zh":"洗手护士与巡回护士同时唱点，巡回护士逐项记录；成包物品按包装数清点。"},"id":"cnt.baseline","required":true,"roles":["circulating_nurse"],"source":"AORN counts Rec. I.1","title":{"en":"Baseline count (sponges, sharps, instruments)","zh":"术前清点数（纱布、缝针、器械合计）"},"type":{"count":{}}}],"title":{"en":"Baseline count","zh":"术前清点"}},{"id":"intraop","items":[{"allowsNotApplicable":false,"critical":false,"guidance":{"en":"Items added during the case are recorded immediately; enter the total added over the whole case (including items added before any relief).","zh":"追加物品应立即记录；此处填写全台追加总数（含人员交接前追加的物品）。"},"id":"cnt.added","required":true,"roles":["circulating_nurse"],"source":"AORN counts Rec. I.1","title":{"en":"Items added during the case","zh":"术中追加物品数"},"type":{"count":{}}},{"allowsNotApplicable":false,"critical":false,"id":"cnt.cavity_needed","passIf":"true","required":true,"roles":[],"source":"AORN counts Rec. I.1","title":{"en":"Is there a cavity within a cavity to close (e.g. uterus)?","zh":"是否需要关闭体腔内腔隙（如子宫）"},"type":{"check":{}}},{"allowsNotApplicable":false,"critical":true,"id":"cnt.cavity","passIf":"cnt.cavity == cnt.baseline + cnt.added","required":true,"roles":[],"showIf":"cnt.cavity_needed","source":"AORN counts Rec. I.1","title":{"en":"Count before closing the cavity within a cavity","zh":"关闭腔隙前清点数"},"type":{"count":{}}},{"allowsNotApplicable":false,"critical":false,"guidance":{"en":"Short breaks follow local policy; a permanent relief always needs a count.","zh":"短暂替换（如就餐）按本院规定；永久交接必须清点。"},"id":"cnt.relief_needed","passIf":"true","required":true,"roles":[],"source":"AORN counts Rec. I.1","title":{"en":"Permanent relief of the scrub or circulating nurse during the case (e.g. shift change)?","zh":"术中是否有洗手护士或巡回护士永久交接（如交接班）"},"type":{"check":{}}},{"allowsNotApplicable":false,"critical":false,"id":"cnt.relief_role","required":true,"roles":[],"showIf":"cnt.relief_needed","source":"AORN counts Rec. I.1","title":{"en":"Who was relieved","zh":"交接的岗位"},"type":{"choice":{"options":[{"id":"scrub","label":{"en":"Scrub nurse","zh":"洗手护士"}},{"id":"circulating","label":{"en":"Circulating nurse","zh":"巡回护士"}},{"id":"both","label":{"en":"Both","zh":"两者均交接"}}]}}},{"allowsNotApplicable":false,"critical":false,"id":"cnt.relief_added","required":true,"roles":[],"showIf":"cnt.relief_needed","source":"AORN counts Rec. I.1","title":{"en":"Items added before the relief","zh":"交接前已追加物品数"},"type":{"count":{}}},{"allowsNotApplicable":false,"critical":true,"guidance":{"en":"The outgoing and incoming nurses count together, audibly, everything to that moment (in the field, on the table, discarded); a wrong count stops the handover and starts the discrepancy flow.","zh":"交班与接班人员共同唱点，核对至当时的全部物品（术野内、台上及已弃用物品）；不符时不得交接，启动清点不符流程。"},"id":"cnt.relief","passIf":"cnt.relief == cnt.baseline + cnt.relief_added","required":true,"roles":[],"showIf":"cnt.relief_needed","source":"AORN counts Rec. I.1 (count at permanent relief of either the scrub person or the circulating nurse)","title":{"en":"Count at the relief","zh":"交接时清点数"},"type":{"count":{}}}],"title":{"en":"During the procedure","zh":"术中"}},{"id":"closure","items":[{"allowsNotApplicable":false,"critical":true,"id":"cnt.closure_start","passIf":"cnt.closure_start == cnt.baseline + cnt.added","required":true,"roles":[],"source":"AORN counts Rec. I.1","title":{"en":"Count before wound closure begins","zh":"关闭切口前清点数"},"type":{"count":{}}},{"allowsNotApplicable":false,"critical":true,"guidance":{"en":"An extra item also means the count is incorrect: the initial count may have been miscounted and is not valid.","zh":"多出的物品也是清点不符：初始清点可能有误，本次清点无效。"},"id":"cnt.skin","passIf":"cnt.skin == cnt.baseline + cnt.added","required":true,"roles":[],"source":"AORN clinical FAQ, counts","title":{"en":"Count at skin closure","zh":"缝合皮肤时清点数"},"type":{"count":{}}},{"allowsNotApplicable":false,"critical":false,"id":"cnt.sign","required":true,"roles":[],"source":"AORN counts (count sheets signed per policy)","title":{"en":"Count sheet signed by both nurses","zh":"清点双人签名"},"type":{"signature":{"signers":["scrub_nurse","circulating_nurse"]}}}],"title":{"en":"Closure","zh":"关闭切口"}}],"roles":[{"id":"scrub_nurse","title":{"en":"Scrub nurse","zh":"洗手护士"}},{"id":"circulating_nurse","title":{"en":"Circulating nurse","zh":"巡回护士"}}],"source":"AORN Recommended Practices for Sponge, Sharp, and Instrument Counts (2006); AORN Prevention of Retained Surgical Items (2010)","subject":"surgical-case","subjectFields":[{"name":"scheduled_start","type":"time"}],"title":{"en":"Surgical counts","zh":"手术物品清点"},"triggers":[{"id":"discrepancy","protocolId":"count_discrepancy","title":{"en":"Count discrepancy — start the search sub-flow","zh":"清点不符，启动查找流程"},"when":"cnt.closure_start != cnt.baseline + cnt.added or cnt.skin != cnt.baseline + cnt.added or cnt.relief != cnt.baseline + cnt.relief_added"}],"version":1}','/work/main/Protocols/surgical_counts.yaml','2026-11-29T15:56:11.193Z');
CREATE TABLE run (
    id               TEXT PRIMARY KEY,
    protocol_id      TEXT NOT NULL,
    version          INTEGER NOT NULL,
    spec_hash        TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    previous_run     TEXT,
    next_run         TEXT,
    triggered_by_run TEXT,
    trigger_id       TEXT,
    current_phase    TEXT,
    open_required    INTEGER NOT NULL,
    critical_failures INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    last_seq         INTEGER NOT NULL,
    last_at          TEXT NOT NULL
);
INSERT INTO "run" VALUES('R000001','surgical_counts',1,'40fdcaac4f8a1523f3ff5d2ab0dc08901123e8d63ffcb794ac854d171fbbcff7','C2026-0001','active',1,NULL,NULL,NULL,NULL,'closure',1,1,'2026-03-01T23:30:00.000Z',NULL,8,'2026-03-02T01:40:00.000Z');
INSERT INTO "run" VALUES('R000002','count_discrepancy',1,'db357d0d30fb6afbb03f438ea4b8e7de693e51a7937aa6259d10a331be96aa44','C2026-0001','active',1,NULL,NULL,'R000001','discrepancy','search',5,0,'2026-03-02T01:40:00.000Z',NULL,1,'2026-03-02T01:40:00.000Z');
INSERT INTO "run" VALUES('R000003','surgical_counts',1,'40fdcaac4f8a1523f3ff5d2ab0dc08901123e8d63ffcb794ac854d171fbbcff7','C2026-0002','active',1,NULL,NULL,NULL,NULL,'baseline',7,0,'2026-03-02T01:00:00.000Z',NULL,1,'2026-03-02T01:00:00.000Z');
CREATE TABLE subject (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    label           TEXT,
    patient_ref     TEXT,
    room            TEXT,
    ward            TEXT,
    procedure       TEXT,
    scheduled_start TEXT,
    facts           TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL
);
INSERT INTO "subject" VALUES('C2026-0001','surgical-case',NULL,'P-9f3a','OR3',NULL,'Lap chole','2026-03-02T00:00:00.000Z','{}','2026-11-29T15:56:11.246Z');
INSERT INTO "subject" VALUES('C2026-0002','surgical-case',NULL,NULL,'OR1',NULL,NULL,'2026-03-02T02:00:00.000Z','{}','2026-11-29T15:56:27.214Z');
CREATE INDEX run_by_subject ON run (subject_id);
CREATE INDEX run_by_protocol ON run (protocol_id, status);
CREATE INDEX deadline_by_due ON deadline (due_at);
CREATE VIEW survey_answer AS
    SELECT r.subject_id AS respondent, r.protocol_id, r.version, r.id AS run_id, r.status AS run_status,
           a.item, a.status, a.value, a.number, a.outcome, a.answered_at
    FROM answer a
    JOIN run r ON r.id = a.run_id
    JOIN protocol_version p ON p.protocol_id = r.protocol_id AND p.version = r.version
    WHERE p.kind = 'survey';
