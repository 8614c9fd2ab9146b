-- CreateTable
CREATE TABLE "assignment_rotations" (
    "team" TEXT NOT NULL,
    "last_agent" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assignment_rotations_pkey" PRIMARY KEY ("team")
);
